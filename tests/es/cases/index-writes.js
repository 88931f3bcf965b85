// o[i] = v with a number i, written inline by the generated code for Arrays (cx_put_num in
// cx_value.h: an element below the dense part's end, or appended where the array has room);
// everything else takes the general path. The same answers as node for every kind of object
// and index.
function put(o, i, v) { o[i] = v; return o; }
function show(a) { var r = []; for (var i = 0; i < a.length; i++) r.push(i in a ? String(a[i]) : '_'); return r.join(',') + '/' + a.length; }
//# iw-dense-holes-append
var a = [1, , 3];
a[1] = 'hole'; a[3] = 'append'; a[0] = 'first';
for (var i = 4; i < 40; i++) a[i] = i;          // appends, growing past the room
a[45] = 'gap';                                   // past the end: a hole between
print(show(a));
//# iw-keys-fractions-nan-negative
var b = [0, 1, 2], ks = [0, 1.5, -0, -1, NaN, Infinity, 2, 3, 4294967295, 4294967294, 1e300, 0.5];
for (var i = 0; i < ks.length; i++) b[ks[i]] = 'k' + i;
var names = []; for (var k in b) names.push(k + '=' + b[k]);
print(names.sort().join(' ') + ' length ' + b.length);
//# iw-length-beyond-elements
var c = []; c.length = 5; c[0] = 'a'; c[1] = 'b'; var s1 = show(c);
c.length = 1; c[1] = 'again'; print(s1 + ' ' + show(c));
//# iw-not-arrays
var o = {}, f = function () {}, args = (function () { arguments[0] = 'set'; arguments[3] = 'new'; return arguments; })('x', 'y');
o[0] = 'zero'; o[1.5] = 'frac'; f[2] = 'fn'; var str = 'abc'; str[0] = 'z';
var n = 5; n[0] = 1; var bool = true; bool[1] = 2;
print(o[0], o['1.5'], f[2], str, str[0], n[0], bool[1], args[0], args[3], args.length);
//# iw-setter-order-and-value
var d = [0, 0, 0], log = [];
function idx(i) { log.push('i' + i); return i; }
function val(v) { log.push('v' + v); return v; }
d[idx(1)] = val('one'); d[idx(3)] = val('three');
var chained = (d[0] = d[2] = 'both');
print(log.join(' '), show(d), chained);
//# iw-sparse-then-dense
var e = []; e[1000000] = 'far'; e[0] = 'zero'; e[1] = 'one';
var g = [1, 2, 3]; delete g[1]; g[1] = 'back'; g[3] = 'end';
print(e[0], e[1], e[1000000], e.length, show(g));
//# iw-loop-fill-and-read
var h = [], t = 0;
for (var i = 0; i < 1000; i++) h[i] = i * 2;
for (var i = 0; i < 1000; i += 7) h[i] = h[i] + 1;
for (var i = 0; i < h.length; i++) t += h[i];
var k = new Array(10); for (var i = 0; i < 10; i++) k[i] = String.fromCharCode(97 + i);
print(t, h.length, k.join(''), show(put([], 0, 'p')));
