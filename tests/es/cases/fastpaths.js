// The fast paths of stdlib/obj.c and lib_array.c (issue 8): a property added through a
// site's cache (ADD), dictionary reads and writes with computed keys, array elements by number,
// push/pop/slice/concat/reverse/sort on dense arrays. Each case also takes the ways out of
// the fast path: holes (which show a prototype's element), length writes, deletions, prototypes
// that change or hold a ReadOnly property. Loops run a site many times, so later runs go
// through what the first one cached.
function show(o) {
  var r = [];
  for (var k in o) r.push(k + '=' + o[k]);
  return r.join(' ');
}
// for objects with index-like keys, which for-in lists first in Node and in insertion order here
function sorted(o) {
  var r = [];
  for (var k in o) r.push(k + '=' + o[k]);
  return r.sort().join(' ');
}
//# add-same-layout
function P(x, y) { this.x = x; this.y = y; }
var r = [];
for (var i = 0; i < 5; i++) { var p = new P(i, -i); r.push(show(p), p.x + p.y); }
print(r.join(' | '));
//# add-layouts-differ-per-object
function C(a) { if (a % 2) this.y = 'odd'; this.x = a; this.y = a * 10; }
var r = [];
for (var i = 0; i < 6; i++) r.push(show(new C(i)));
print(r.join(' | '));
//# add-after-delete
function D(v) { this.a = v; this.b = v; }
var r = [];
for (var i = 0; i < 4; i++) {
  var o = new D(i);
  if (i == 2) { delete o.a; o.a = 'again'; o.c = 'c'; }
  r.push(show(o));
}
var q = { a: 1, b: 2 }; delete q.a;
for (i = 0; i < 3; i++) { q.b = i; q.z = i; }
r.push(show(q));
print(r.join(' | '));
//# add-blocked-by-readonly-proto
function W(v) { this.length = v; this.PI = v; this.k = v; }
var r = [];
for (var i = 0; i < 3; i++) r.push(show(new W(i)));
W.prototype = function (a, b, c) {};
for (i = 0; i < 3; i++) { var w = new W(i); r.push(w.length, w.hasOwnProperty('length'), w.k); }
W.prototype = Math;
for (i = 0; i < 3; i++) { w = new W(i); r.push(w.PI > 3, w.hasOwnProperty('PI'), w.length, w.k); }
W.prototype = {};
for (i = 0; i < 2; i++) r.push(show(new W(i)));
print(r.join(','));
//# add-proto-gains-key
function G(v) { this.v = v; }
var r = [];
for (var i = 0; i < 3; i++) r.push(new G(i).hasOwnProperty('v'));
G.prototype.v = 'proto';
for (i = 0; i < 3; i++) { var g = new G(i); r.push(g.v, g.hasOwnProperty('v')); }
delete G.prototype.v;
Object.prototype.v = 'obj';
for (i = 0; i < 2; i++) r.push(new G(i).v);
delete Object.prototype.v;
print(r.join(','));
//# add-literals-in-loop
var r = [];
for (var i = 0; i < 4; i++) {
  var o = { a: i, b: 'x', a: i * 2, length: i, 0: 'zero', 'q r': i };
  r.push(sorted(o), o.length, o[0]);
}
print(r.join(' | '));
//# add-many-properties
var r = [];
for (var j = 0; j < 3; j++) {
  var o = {};
  for (var i = 0; i < 20; i++) o['p' + i] = i * j;
  o.last = j;
  r.push(o.p19, o.p7, o.last);
}
print(r.join(','));
//# add-on-functions-and-arrays
function setx(o, v) { o.x = v; return o.x; }
var r = [];
for (var i = 0; i < 3; i++) r.push(setx(function () {}, i), setx([], i), setx(new String('s'), i));
var s = 'prim'; r.push(setx(s, 5), s.x);
print(r.join(','));
//# dict-computed-keys
var d = {}, r = [];
for (var i = 0; i < 60; i++) { var k = 'k' + i % 7; d[k] = (d[k] || 0) + i; }
r.push(show(d));
var names = ['toString', 'constructor', 'length', '0', 'hasOwnProperty'];
for (i = 0; i < names.length; i++) r.push(typeof d[names[i]]);
for (i = 0; i < names.length; i++) d[names[i]] = i;
for (i = 0; i < names.length; i++) r.push(d[names[i]]);
delete d.k3; r.push(d['k' + 3], 'k3' in d);
Object.prototype.k3 = 'inh'; r.push(d['k' + 3]); delete Object.prototype.k3;
print(r.join(','));
//# dict-readonly-and-builtins
var r = [], m = 'PI', n = 'MAX_VALUE';
for (var i = 0; i < 3; i++) { Math[m] = i; Number[n] = i; r.push(Math[m] > 3, Number[n] > 1); }
var f = function (a, b) {};
for (i = 0; i < 2; i++) { f['length'] = 9; r.push(f['length']); }
print(r.join(','));
//# elem-number-keys
var a = [10, 20, 30], r = [];
var keys = [0, 2, 3, -1, 1.5, 4294967295, 4294967294, NaN, -0, '1', '01'];
for (var i = 0; i < keys.length; i++) r.push(a[keys[i]]);
for (i = 0; i < keys.length; i++) a[keys[i]] = 'w' + i;
r.push(a.length, sorted(a));
print(r.join(','));
//# elem-writes-holes-and-far
var a = [], r = [];
for (var i = 0; i < 5; i++) a[i] = i;
a[7] = 7; r.push(a.length, 5 in a, a[6]);
a[100000] = 'far'; r.push(a.length, a[100000]);
a.length = 3; a[3] = 'x'; r.push(a.length, show(a));
Array.prototype[4] = 'proto4'; var b = [0, 1]; b[2] = 2; r.push(b[4], b.length);
var h = [1, , 3]; r.push(h[1]); h[1] = 'filled'; r.push(show(h));
delete Array.prototype[4];
print(r.join(','));
//# push-pop-dense-and-not
var a = [], r = [];
for (var i = 0; i < 10; i++) r.push(a.push(i, -i));
while (a.length > 15) r.push(a.pop());
a.length = 20; r.push(a.push('e'), a.length, a[19], a[20]);
r.push(a.pop(), a.pop(), a.length);
var h = [1, , ]; Array.prototype[1] = 'p'; r.push(h.length, h.pop(), h.length);
delete Array.prototype[1];
var e = []; r.push(e.pop(), e.length);
print(r.join(','));
//# push-pop-array-likes
var o = { length: 2, 0: 'a', 1: 'b' }, r = [];
r.push(Array.prototype.push.call(o, 'c'), o.length, o[2]);
r.push(Array.prototype.pop.call(o), o.length, 2 in o);
var big = []; big.length = 4294967295;
try { big.push(1); r.push('no error'); } catch (err) { r.push(err.name); }
print(r.join(','));
//# slice-concat-reverse-holes
var a = [0, 1, 2, 3, 4, 5], r = [];
r.push(a.slice(1, 4).join(), a.slice(-2).join(), a.slice(4, 2).length);
var h = [0, , 2, , 4];
Array.prototype[1] = 'P';
r.push(h.slice(0, 3).join(), 1 in h.slice(0, 3), h.concat([5, , 7]).join(), h.concat([5, , 7]).length);
delete Array.prototype[1];
r.push(h.slice(0, 3).hasOwnProperty(1), [1, 2].concat(3, [4, 5], [[6]]).length);
var t = [1, , ]; r.push(t.concat([9]).length, t.concat([9])[2]);
r.push(a.reverse().join(), h.reverse().join(), 3 in h, [].reverse().length);
var o = { length: 3, 0: 'x', 2: 'z' }; Array.prototype.reverse.call(o); r.push(o[0], 1 in o, o[2]);
print(r.join(' | '));
//# sort-fast-and-not
var r = [];
var nums = [5, 3, 11, 1, 20, 3, 0];
r.push(nums.slice().sort().join(), nums.slice().sort(function (a, b) { return a - b; }).join());
var strs = ['b', 'a', 'B', '', 'ab', 'a'];
r.push(strs.sort().join('/'));
var mixed = ['b', 2, undefined, null, 'a', 10, true];
r.push(mixed.sort().join('/'));
var h = [3, , 1, undefined, 2]; h.sort(); r.push(h.join('/'), h.length, 4 in h, 3 in h);
Array.prototype[1] = 0; var g = [3, , 1]; g.sort(); r.push(g.join('/'), g.hasOwnProperty(2));
delete Array.prototype[1];
r.push([2, 1, 3].sort(function (a, b) { return a < b ? '1' : b < a ? '-1' : '0'; }).join());
r.push([2, 1, 3].sort(function (a, b) { return { valueOf: function () { return a - b; } }; }).join());
try { [2, 1, 3].sort(function () { throw new Error('cmp'); }); } catch (e) { r.push(e.message); }
try { [2, 1].sort(5); } catch (e) { r.push(e.name); }
var recs = [];
for (var i = 0; i < 30; i++) recs.push({ k: i % 4, id: i });
recs.sort(function (p, q) { return p.k - q.k; });
var ids = []; for (i = 0; i < recs.length; i++) ids.push(recs[i].id); r.push(ids.join(' '));
var o = { length: 3, 0: 'c', 1: 'a', 2: 'b' }; Array.prototype.sort.call(o); r.push(o[0] + o[1] + o[2]);
print(r.join(' | '));
//# new-room-grows-and-shrinks
function V(n) { for (var i = 0; i < n; i++) this['f' + i] = i; }
var r = [], sizes = [0, 2, 6, 1, 4, 9, 3, 0, 5];
for (var j = 0; j < sizes.length; j++) {
  var v = new V(sizes[j]);
  v.extra = j; v.more = -j;
  if (j % 3 == 0) delete v.f0;
  r.push(show(v));
}
function R() { this.a = 1; return { made: 'other' }; }
for (j = 0; j < 3; j++) r.push(show(new R()));
print(r.join(' | '));
