// 'literal' + x and 'literal' + x + 'literal2' with short literals: generated code writes the
// result into a slot of the heap's string pages itself (cx_value.h cx_add_lit8,
// cx_add_lit8_lit8), once the heap has pages (a collection that freed many short strings: the
// churn below). Every length of x around the slot classes and the 64-character limit, 8-bit,
// wide and non-string x, the run of a class used up (many results of one size), and the order
// of conversions in the three-piece form.
function churn() {
  var keep = 0;
  for (var i = 0; i < 40000; i++) keep += ('churn ' + i + ' of the short strings').length;
  return keep;
}
function pieces(n, c) { var s = ''; for (var i = 0; i < n; i++) s += String.fromCharCode(c + i % 26); return s; }
function sum(s) { var h = 0; for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 1000003; return h; }
//# cat-inline-lengths
churn();
var r = [];
for (var n = 0; n <= 70; n++) {
  var x = pieces(n, 97);
  r.push(sum('a' + x), sum('sixteen chars ab' + x), sum('seventeen chars a' + x),
         sum('forty characters of a literal, forty ch' + x),
         sum('a literal of sixty-two characters, which leaves room for one.' + x),
         ('(' + x + ')').length, sum('<' + x + '>'), sum('a literal of thirty characters' + x + 'and of thirty-one, the second'));
}
print(r.join(','));
//# cat-inline-kinds
churn();
var w = ['\u0100', 'é', 'ab\u20acc', '', 'plain'], o = {toString: function () { r.push('toString'); return 'O'; }};
var r = [];
for (var i = 0; i < w.length; i++) r.push('k=' + w[i], '[' + w[i] + ']', ('k=' + w[i]).length);
r.push('u=' + undefined, 'n=' + null, 'b=' + true, 'd=' + 1.5, 'i=' + -0, '(' + undefined + ')', '(' + 12 + ')');
r.push('(' + o + ')', 'o=' + o, '(' + [1, 2] + ')', '(' + {} + ')');
var v = {valueOf: function () { r.push('valueOf'); return 7; }, toString: function () { return 'no'; }};
r.push('(' + v + ')');
print(r.join('|'));
//# cat-inline-primitives-one-site
// undefined, null and both booleans take the inline way (ToString is a static string), strings
// and numbers at the same sites, each kind many times in a row and mixed
churn();
var vals = [undefined, null, false, true, 'str', 0, -1.5, '', 'a longer string of forty characters ok'];
var r = [], t = 0;
for (var i = 0; i < 9 * 400; i++) {
  var v = i < 1800 ? vals[Math.floor(i / 200)] : vals[i % 9];
  var a = 'v=' + v, b = '[' + v + ']', c = 'a literal of fifty-five characters, to reach the bound ' + v;
  t += a.charCodeAt(a.length - 1) + b.length + c.length + c.charCodeAt(c.length - 1);
  if (i % 211 == 0) r.push(a, b, c.length);
}
r.push(t);
print(r.join('|'));
//# cat-inline-run-used-up
churn();
var r = [], t = 0, last = '';
for (var i = 0; i < 30000; i++) {
  var s = 'id=' + String(i % 10) + 'abcdefghij';  // every result 14 characters: one class
  var u = '(' + s + ')';
  t += s.charCodeAt(s.length - 1) + u.charCodeAt(3) + u.length;
  if (i % 7919 == 0) r.push(s, u);
  last = u;
}
r.push(t, last);
print(r.join(' '));
//# cat-inline-kept
churn();
var kept = [];
for (var i = 0; i < 5000; i++) kept.push('item ' + String(i) + ' here', '(' + String(i) + ')');
churn();
var ok = true;
for (var i = 0; i < 5000; i++)
  if (kept[2 * i] !== 'item ' + i + ' here' || kept[2 * i + 1] !== '(' + i + ')') ok = false;
print(ok, kept.length, kept[9999], kept[4242]);
