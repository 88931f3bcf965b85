// The order of for-in, Object.keys and JSON.stringify: each object's own keys as ES2015's
// [[OwnPropertyKeys]] gives them (array indices ascending, then the other names in creation
// order), nearer objects first; ES3 12.6.4 leaves the order to the implementation and node
// follows that one (docs/ecmascript.md, "Property order").
//# index-keys-first
var o = {b: 1, 10: 'x', a: 2, 2: 'y', '01': 'z', 4294967295: 'big', 4294967294: 'max'};
var s = []; for (var k in o) s.push(k);
print(s.join(), Object.keys(o).join(), JSON.stringify(o));
//# later-index-and-deleted
var p = {z: 1}; p[5] = 5; p.y = 2; p[1] = 1; delete p[5]; p[0] = 0; p.x = 3; delete p.z; p.z = 9;
var t = []; for (var k in p) t.push(k + '=' + p[k]);
print(t.join(), JSON.stringify(p));
//# arrays-sparse-and-named
var a = [1, 2, 3]; a.name = 'n'; a[10] = 10; a[5] = 5; a[-1] = 'neg'; a['1.5'] = 'f';
var u = []; for (var k in a) u.push(k);
print(u.join(), Object.keys(a).join());
var h = [0, 1, 2, 3]; delete h[1]; h[7] = 7; h[1] = 'back';
var v = []; for (var k in h) v.push(k); print(v.join());
//# string-objects-and-prototypes
var so = new String('ab'); so[5] = 'five'; so.x = 'x'; so[3] = 'three';
var w = []; for (var k in so) w.push(k); print(w.join());
function F() { this.b = 1; this[3] = 3; }
F.prototype.a = 1; F.prototype[1] = 1; F.prototype.b = 'shadowed';
var f = new F(); f[0] = 0;
var x = []; for (var k in f) x.push(k); print(x.join(), Object.keys(f).join());
//# many-index-keys
var m = {}; for (var i = 40; i >= 0; i -= 3) { m['k' + i] = i; m[i] = i; }
var y = []; for (var k in m) y.push(k); print(y.join());
