// Inline caches of o.name (stdlib/obj.c) and chains of + built in one allocation (stdlib/ops.c,
// str.c): the cases a cache or a builder could get wrong. Loops run a site many times, so the
// second and later runs go through what the first one cached.
function rd(o) { return o.x; }
function wr(o, v) { o.x = v; }
function len(v) { return v.length; }
//# ic-own-same-layout
var out = [];
for (var i = 0; i < 4; i++) out.push(rd({ x: i, y: 1 }), rd({ y: 2, x: -i }));
print(out.join(','));
//# ic-proto-added-after
function P() {} var p = new P(); var r = [];
for (var i = 0; i < 3; i++) r.push(rd(p));
P.prototype.x = 'late'; r.push(rd(p));
Object.prototype.x = 'obj'; r.push(rd(new P()), rd({}), rd([]));
delete P.prototype.x; r.push(rd(p));
delete Object.prototype.x; r.push(rd(p), rd({}));
print(r.join(','));
//# ic-shadowing-own-after
function Q() {} Q.prototype.x = 'proto'; var q = new Q(); var r = [];
for (var i = 0; i < 3; i++) r.push(rd(q));
q.x = 'own'; r.push(rd(q)); delete q.x; r.push(rd(q));
print(r.join(','));
//# ic-nearer-proto-gains
function A() {} A.prototype.x = 'A';
function B() {} B.prototype = new A();
var b = new B(), r = [];
for (var i = 0; i < 3; i++) r.push(rd(b));
B.prototype.x = 'B'; r.push(rd(b));
delete B.prototype.x; r.push(rd(b));
A.prototype.x = 'A2'; r.push(rd(b));
print(r.join(','));
//# ic-delete-own
var o = { x: 1, y: 2 }, r = [];
for (var i = 0; i < 3; i++) r.push(rd(o));
delete o.x; r.push(rd(o)); o.x = 3; r.push(rd(o));
print(r.join(','));
//# ic-delete-and-readd-many
var o = {}, r = [];
for (var i = 0; i < 20; i++) o['k' + i] = i;
o.x = 'x';
for (var i = 0; i < 20; i++) { delete o['k' + i]; r.push(rd(o)); }
for (var i = 0; i < 20; i++) o['m' + i] = i;
r.push(rd(o)); print(r.join(''));
//# ic-own-hit-whatever-cached
// the inline hit tries the receiver's slot whatever the cache holds: a prototype answer whose
// holder slot is where the next receiver has its own x, or another key, or a deleted slot
var pr = {a: 1, x: 'proto'}, r = [];
function O() {} O.prototype = pr;
var ro = new O();
for (var i = 0; i < 3; i++) r.push(rd(ro));              // cached: pr's x at slot 1
r.push(rd({a: 0, x: 'own at 1'}), rd({a: 0, y: 'not x'}), rd({a: 0, x: 'own again'}));
var d = {a: 0, x: 'gone'}; delete d.x; r.push(rd(d));   // a deleted slot at 1
var e = new O(); e.a = 2; e.x = 'own e'; r.push(rd(e), rd(ro));
r.push(len('abc'), len({a: 1, length: 'own length'}), len([1, 2]), len({length: 5}));
print(r.join(','));
//# ic-array-length
var r = [];
var a = [1, 2, 3];
for (var i = 0; i < 3; i++) { r.push(len(a)); a.push(i); }
a.length = 1; r.push(len(a)); a[9] = 0; r.push(len(a));
r.push(len('abc'), len(''), len(new String('xy')), len({ length: 'own' }));
r.push(len(function (p, q) {}), len([]));
(function () { r.push(len(arguments)); })(1, 2, 3);
print(r.join(','));
//# ic-string-primitive-methods
function up(s) { return s.toUpperCase; }
var r = [];
for (var i = 0; i < 3; i++) r.push(up('a') === String.prototype.toUpperCase);
var saved = String.prototype.toUpperCase;
String.prototype.toUpperCase = function () { return 'mine'; };
r.push('a'.toUpperCase()); String.prototype.toUpperCase = saved; r.push('a'.toUpperCase());
print(r.join(','));
//# ic-primitive-kinds-one-site
function ts(v) { return v.toFixed; }
var r = [];
for (var i = 0; i < 2; i++) r.push(typeof ts(1), typeof ts('s'), typeof ts(true), typeof ts({}));
var saved = Number.prototype.toFixed;
Number.prototype.toFixed = 5; r.push(ts(2)); Number.prototype.toFixed = saved; r.push(typeof ts(2));
print(r.join(','));
//# ic-builtin-table-unshared
function pushOf(a) { return a.push; }
var r = [], a = [];
for (var i = 0; i < 3; i++) r.push(pushOf(a) === Array.prototype.push);
Array.prototype.extra = 1;
r.push(pushOf(a) === Array.prototype.push, a.extra);
var saved = Array.prototype.push;
Array.prototype.push = 'replaced'; var got = pushOf(a); Array.prototype.push = saved;
delete Array.prototype.extra; r.push(got, a.extra);
print(r.join(','));
//# ic-math-and-globals
function pi(m) { return m.PI; }
var r = [];
for (var i = 0; i < 3; i++) r.push(pi(Math));
Math.PI = 3; r.push(pi(Math)); Math.E = 1; r.push(Math.E > 2); r.push(pi({ PI: 'own' }));
print(r.join(','));
//# ic-write-own-and-readonly
var o = { x: 0 }, r = [];
for (var i = 0; i < 3; i++) { wr(o, i); r.push(o.x); }
wr(Math, 1); r.push(typeof Math.x);
function RO() {} var n = new Number(1);
for (var i = 0; i < 3; i++) wr(n, i);
r.push(n.x);
var s = new String('ab'); s.length = 5; r.push(s.length);
var a = [1, 2]; a.length = 1; r.push(a.length);
print(r.join(','));
//# ic-write-adds-then-proto-read
function C() {} var c = new C(), r = [];
for (var i = 0; i < 3; i++) r.push(rd(c));
wr(C.prototype, 'viaWrite'); r.push(rd(c));
print(r.join(','));
//# ic-missing-then-added
var r = [];
var o = {};
for (var i = 0; i < 3; i++) r.push(rd(o));
Object.prototype.x = 'now'; r.push(rd(o)); delete Object.prototype.x; r.push(rd(o));
print(r.join(','));
//# ic-null-undefined-base
var r = [];
for (var i = 0; i < 2; i++) r.push(rd({ x: i }));
try { rd(null); } catch (e) { r.push(e.name); }
try { rd(undefined); } catch (e) { r.push(e.name); }
try { wr(null, 1); } catch (e) { r.push(e.name); }
print(r.join(','));
//# ic-same-key-different-strings
var r = [], k = 'x';
var o = {}; o[k + ''] = 'built'; r.push(rd(o));
var o2 = {}; o2['' + 'x'] = 'b2'; for (var i = 0; i < 3; i++) r.push(rd(o2));
print(r.join(','));
//# ic-arguments-object
function g(a) { var r = []; for (var i = 0; i < 3; i++) { arguments.x = i; r.push(arguments.x, arguments.length); } a = 'changed'; r.push(arguments[0]); return r.join(','); }
print(g('orig', 2));
//# ic-functions-prototype
function F() {} var r = [];
function proto(f) { return f.prototype; }
for (var i = 0; i < 3; i++) r.push(proto(F) === F.prototype);
F.prototype = { z: 1 }; r.push(proto(F).z);
print(r.join(','));
//# cat-numbers-first
print(1 + 2 + 'x', 'x' + 1 + 2, 1 + 2 + 3 + 'x' + 4 + 5, 1 + '2' + 3);
//# cat-conversion-order
var log = [];
var o = { valueOf: function () { log.push('v'); return 1; }, toString: function () { log.push('s'); return 'S'; } };
function f(t) { log.push(t); return t; }
print(o + 'a' + f('b') + o, log.join(''));
log = []; print(f(1) + o + 'z' + f(2), log.join(''));
log = []; print(o + o + 'a' + o, log.join(''));
//# cat-date-and-null
var d = new Date(0); var x = d + '|' + null + '|' + undefined + '|' + true + '|' + 1.5e300;
print(x === String(d) + '|null|undefined|true|1.5e+300');
//# cat-throws-midway
var log = [];
var bad = { valueOf: function () { throw new Error('vo'); } };
function f(t) { log.push(t); return t; }
try { 'a' + f(1) + bad + f(2); } catch (e) { log.push(e.message); }
print(log.join(','));
//# cat-object-to-number-sum
var o = { valueOf: function () { return 10; } };
print(o + 1 + 'x', o + o + o + 'y', 'y' + o + o);
//# cat-long-chain
var a = 'a', n = 1;
var s = a + n + a + n + a + n + a + n + a + n + a + n + a + n + a + n + a + n + a + n + 'z' + a + n + a + n + a + n;
print(s, s.length);
//# cat-empty-pieces
var e = '';
print('[' + e + e + ']', e + e + 'x' + e, (e + e + '').length);
//# append-loop-prefix-kept
var s = '', keep = [];
for (var i = 0; i < 500; i++) { s += 'ab' + i + ','; if (i % 100 == 0) keep.push(s); }
var t = s; s += 'X'; var u = t + 'Y';
print(s.length, u.length, s.charAt(s.length - 1), u.charAt(u.length - 1), t.length, t.charAt(t.length - 1));
for (var j = 0; j < keep.length; j++) print(keep[j].length, keep[j].substring(keep[j].length - 6));
//# append-wide-after-narrow
var s = '';
for (var i = 0; i < 100; i++) s += 'x';
var w = s + '\u1234' + 'q'; var n2 = s + 'narrow';
print(w.length, w.charCodeAt(100), w.charCodeAt(101), n2.length, n2.substring(98));
var s3 = w; for (var i = 0; i < 100; i++) s3 += 'y';
print(s3.length, s3.charCodeAt(100), s3.substring(195), w.length);
//# append-keys-and-compare
var s = '';
for (var i = 0; i < 80; i++) s += 'k';
var o = {}; o[s] = 1; var s2 = s + 'k';
print(o[s], o[s2], s2 > s, s2.indexOf('kk'), (s + '') === s, s2.slice(0, 80) === s);
