// The third strings round (issue 8): `x += 'a' + y + …` ends its chain onto x's value
// (cx_cat_end_onto: x's characters and the pieces joined at once, in place in x's buffer),
// undeclared globals read through a site cache (cx_global_get_ic), decimal literals read
// without strtod when exact double arithmetic gives the nearest double (cx_num__dec_fast),
// toFixed/toPrecision/toExponential digits of doubles with fewer than 60 fraction bits in
// 64-bit integers, ToInteger by a cast. Each case also takes the ways around the fast paths.
function G() { return (function () { return this; })(); }
//# onto-order-of-conversions
var log = [];
var o = {
  toString: function () { log.push('o.toString'); return 'O'; },
  valueOf: function () { log.push('o.valueOf'); return 7; }
};
var p = { valueOf: function () { log.push('p.valueOf'); return 1; } };
var q = { toString: function () { log.push('q.toString'); return 'Q'; }, valueOf: function () { log.push('q.valueOf'); return {}; } };
var s = o;
s += 'a' + p + 'b';
log.push(s);
var t = q;
t += '<' + o + '>' + q;
log.push(t);
var u = 'x';
u += p + '-' + p;
log.push(u);
print(log.join(' '));
//# onto-values
var r = [];
var n = 5; n += 'x' + 1; r.push(n);
n = 5; n += 1 + 2 + 'x'; r.push(n);
var a = 1, b = 2; n = 5; n += a + b + 'z'; r.push(n);
n = 5; n += a + b + 'z' + a + b; r.push(n);
var un; un += 'a' + null; r.push(un);
var nu = null; nu += undefined + '|' + true; r.push(nu);
var bo = true; bo += '' + false; r.push(bo);
var z = -0; z += '' + -0 + 0.5 + 1e21 + 1e-7; r.push(z);
var e = ''; e += '' + ''; r.push('[' + e + ']', e.length);
e += '' + 'k'; r.push(e);
var f = 'f'; f += ('a' + 'b') + ('c' + a); r.push(f);
var g = 'g'; g += ('a' + 1); r.push(g);
var v = 'v'; var w = (v += 'w' + 2); r.push(v, w, v === w);
print(r.join(' '));
//# onto-targets
var r = [];
var obj = { s: 'o' };
for (var i = 0; i < 3; i++) obj.s += '-' + i + '-';
r.push(obj.s);
var arr = ['a', 1];
arr[0] += 'x' + 1; arr[1] += 'y' + 2; arr[2] += 'z' + 3;
r.push(arr.join(','));
var k = 'key';
var d = {}; d[k] = 'K'; d[k] += '.' + k + '.'; r.push(d.key);
function f() { var loc = ''; for (var j = 0; j < 5; j++) loc += '[' + j + ']'; return loc; }
r.push(f());
print(r.join(' '));
//# onto-rhs-changes-target
var r = [];
var s = 'a';
function set() { s = 'Z'; return 'f'; }
s += 'b' + set() + 'c';
r.push(s);
var o = { s: 'a' };
o.s += 'b' + (o.s = 'Y') + 'c';
r.push(o.s);
print(r.join(' '));
//# onto-throws
var r = [];
var s = 'keep';
var bad = { toString: function () { throw new Error('bad'); } };
try { s += 'a' + bad + 'b'; } catch (e) { r.push(e.message); }
r.push(s);
var badTarget = { valueOf: function () { throw new Error('target'); } };
var t = badTarget, seen = [];
var side = { toString: function () { seen.push('side'); return 's'; } };
try { t += 'a' + side; } catch (e) { r.push(e.message, seen.join()); }
r.push(t === badTarget);
print(r.join(' '));
//# onto-buffers-and-older-strings
var r = [];
var s = '';
for (var i = 0; i < 300; i++) s += 'item' + i + ',';
var keep = s;
s += 'tail' + 1 + '!';
var other = keep;
other += 'fork' + 2 + '?';
r.push(keep.length, s.length, other.length, s.slice(-7), other.slice(-7), keep.slice(-6));
r.push(s.indexOf('item299,tail1!'), other.indexOf('item299,fork2?'), keep === s.slice(0, keep.length));
var w = 'w';
for (var j = 0; j < 40; j++) w += '\u00e9' + j + '\u4e2d';
r.push(w.length, w.charCodeAt(1), w.charCodeAt(3), w.charCodeAt(w.length - 1), w.slice(0, 8));
var n8 = 'abc';
n8 += '\u4e2d' + 'd';
n8 += 'e' + 1;
r.push(n8, n8.length);
print(r.join(' '));
//# onto-huge
var r = [];
var s = 'x';
for (var i = 0; i < 17; i++) s += s + '' + i;
r.push(s.length, s.charAt(1000), s.slice(-4), s.indexOf('16'));
var t = '';
for (var j = 0; j < 5000; j++) t += 'ab' + (j % 10) + 'cd';
r.push(t.length, t.slice(24990), t.charCodeAt(12345));
print(r.join(' '));
//# global-reads-cached
var r = [];
for (var i = 0; i < 3; i++) r.push(String(i * 1.5), Math.round(i + 0.5), parseFloat('2.5') * i);
var g = G();
g.myGlobal = 'one';
for (var j = 0; j < 3; j++) {
  r.push(myGlobal);
  if (j == 1) g.myGlobal = 'two';
}
delete g.myGlobal;
try { r.push(myGlobal); } catch (e) { r.push(e.name); }
r.push(typeof myGlobal);
g.myGlobal = undefined;
r.push(typeof myGlobal, myGlobal === undefined);
delete g.myGlobal;
var saved = g.parseInt;
g.parseInt = function () { return 'mine'; };
r.push(parseInt('12'));
g.parseInt = saved;
r.push(parseInt('12'));
print(r.join(' '));
//# decimal-literals
var r = [];
var xs = ['0.1', '-0', '-0.0e5', '+.5', '5.', '1e22', '1e23', '1e-22', '1e-23', '9007199254740992',
          '9007199254740993', '123456789012345678901', '1234567890123456789', '0.000001234',
          '1.5e-10', '4.35', '1234567.1234567e-3', '0.30000000000000004', '2.2250738585072014e-308',
          '1.7976931348623157e308', '1e400', '1e-400', '00012.50', '.000000000000000000000001',
          '7e0', '7e+2', '7e-2', '3.14abc', ' 42 ', '1e', '1e+', '-.1e-1', '99999999999999999999e-20'];
for (var i = 0; i < xs.length; i++)
  r.push(parseFloat(xs[i]), Number(xs[i]), xs[i] * 1, 1 / parseFloat(xs[i]) < 0);
r.push(parseInt('123456789012345678'), parseInt('-0'), 1 / parseInt('-0'), parseInt('  077'));
r.push(parseFloat('12.5\u4e2d'), Number('\u20037.25'), parseInt('\u200342\u4e2d'), '\u2003-0.5' * 2);
print(r.join(' '));
//# number-digits-64-bit
var r = [];
var xs = [0.5, 2.5, 1.25, 1.005, 8.345, 123.456, 714.2857142857143, 1 / 3, 2 / 3, 0.1, 1e-5,
          Math.pow(2, -59), Math.pow(2, -60) * 3, 4503599627370495.5, 99.995, 9.9999995, 1e-7 * 3];
for (var i = 0; i < xs.length; i++) {
  var x = xs[i];
  r.push(x.toFixed(0), x.toFixed(2), x.toFixed(20), x.toPrecision(1), x.toPrecision(6),
         x.toPrecision(21), x.toExponential(0), x.toExponential(3), x.toExponential(20),
         (-x).toFixed(3), (-x).toPrecision(4));
}
for (var k = 0; k < 50; k++) {
  var v = (k * 37 + 3) / 7;
  r.push(String(v), v.toFixed(2), v.toPrecision(6), v.toExponential(3), String(v * 1e10 + 0.5));
}
print(r.join(' '));
//# to-integer-by-cast
var r = [];
r.push((2.7).toFixed(-0.5), (2.7).toFixed(1.9), 'abcdef'.charAt(-0.5), 'abcdef'.substring(-0.5, 2.9));
r.push('abcdef'.slice(-1.5), 'abcdef'.slice(1.5, -1.5), (255).toString(16.9), 'abc'.charCodeAt(1.99));
r.push('abcabc'.indexOf('c', 2.5), 'abcabc'.lastIndexOf('a', 2.5), [1, 2, 3, 4].slice(-2.5).join());
r.push('abcdef'.substring(NaN, 3), 'abc'.charAt(Infinity), 'abcdef'.substr(-4.2, 2.8));
r.push((1e21).toFixed(2), (123.456).toFixed(1e-10), 'abc'.charAt(4294967296.5));
print(r.join(' '));
