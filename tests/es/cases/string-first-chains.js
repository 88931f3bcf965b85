// Chains whose first operand is a string ('id=' + x + …: cx_cat_str and cx_cat_next, each step
// a concatenation) and 'literal' + x (cx_add_lit); joins of short 8-bit pieces in one page slot
// (cx_str__join's first way). Each case also takes the ways around those fast paths.
//# first-string-order-of-conversions
var log = [];
function obj(name, str, val) { // an operand whose conversions are logged
  var it = {};
  if (str !== undefined) it.toString = function () { log.push(name + '.toString'); return str; };
  if (val !== undefined) it.valueOf = function () { log.push(name + '.valueOf'); return val; };
  return it;
}
var o = obj('o', 'O', 7), p = obj('p', undefined, 1), q = obj('q', 'Q', {});
function f(x) { log.push('f' + x); return x; }
var s = '<' + o + '>' + f(q) + p + f(2);
log.push(s);
var t = 'a' + p;
log.push(t);
var u = 'x' + f(o) + (p + 1) + f(q);
log.push(u);
print(log.join(' '));
//# first-string-values
var r = [];
var un, nu = null, ob = {}, ar = [1, 2];
r.push('u' + un, 'n' + nu, 'b' + true, 'o' + ob, 'a' + ar, 'z' + -0, 'e' + 1e21, 'm' + 1e-7);
r.push('[' + un + '|' + nu + '|' + false + '|' + 0.5 + ']');
r.push('x' + '', '' + 'y', '' + un, '' + '' + '', ('' + '' + 'k' + '').length);
var e = '';
r.push('[' + e + ']', '[' + e + e + ']', 'p' + e + e + e);
var w = '\u00e9t\u00e9';
r.push('w=' + w, 'w=' + w + '!', ('w=' + w + '!').length, '\u2603' + 'x' + w);
print(r.join(' '));
//# first-string-long-chains
var r = [];
var a = 'a', b = 'b', n = 3;
r.push('1' + a + '2' + b + '3' + a + '4' + b + '5' + a + '6' + b + '7' + a + '8' + b + '9');
r.push('-' + n + a + n + b + n + a + n + b + n + a + n + b + n + a + n + b + n + a + n + b + n);
var big = '0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij';
r.push(('[' + big + ']').length, ('[' + big + '|' + big + ']').length, ('<' + a + big).slice(-5));
r.push('0123456789012345678901234567890123456789012345678901234567890' + a + b + 'c');
print(r.join(' '));
//# first-string-buffers
var r = [];
var s = '';
for (var i = 0; i < 40; i++) s += 'it' + i + ',';
var t = 'pre' + s + 'post';
var u = '(' + s.slice(0, 5) + ')' + s.slice(-4);
r.push(t.length, t.slice(0, 8), t.slice(-8), u);
var keep = s;
s += 'more' + 1;
r.push(keep.length, s.length, ('k' + keep).length, ('k' + keep + s).slice(-6));
print(r.join(' '));
//# first-string-throws
var r = [];
var bad = { toString: function () { throw new Error('bad'); } };
var seen = [];
var side = { toString: function () { seen.push('side'); return 's'; } };
try { r.push('a' + side + bad + side); } catch (e) { r.push(e.message, seen.join()); }
try { r.push('lit' + bad); } catch (e) { r.push(e.message); }
print(r.join(' '));
//# first-string-typed-local
var r = [];
function g(k) {
  var l = 'n=' + k;
  var m = l + '/' + k + '/' + l;
  return m + '!' + (l + k);
}
for (var i = 0; i < 3; i++) r.push(g(i), g('s' + i), g(undefined));
print(r.join(' '));
