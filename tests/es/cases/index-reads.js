// o[i] with a number i and o.length, read inline by the generated code for Arrays and strings
// (cx_get_num, cx_get_len in cx_value.h); everything else takes the general path. The same
// answers as node for every kind of object and index.
function at(o, i) { return o[i]; }
function len(o) { return o.length; }
function sumTo(o, n) { var s = ''; for (var i = -1; i < n; i++) s += '|' + o[i]; return s; }
//# idx-dense-holes-bounds
var a = [10, , 30]; a[5] = 60;
print(sumTo(a, 8) + ' ' + a.length);
//# idx-fractions-nan-negative
var b = [1, 2, 3];
var ks = [0, 1.5, -0, -1, NaN, Infinity, 2, 3, 4294967295, 4294967296, 1e300, -1e300, 0.9999999999999999];
var r = []; for (var i = 0; i < ks.length; i++) r.push(String(b[ks[i]]));
print(r.join(','));
//# idx-proto-and-sparse
Array.prototype[3] = 'proto'; Object.prototype[4] = 'oproto';
var c = [1, 2]; var s = sumTo(c, 6);
delete Array.prototype[3]; delete Object.prototype[4];
var d = []; d[100000] = 'far'; d[2] = 'two';
print(s + ' ' + d[100000] + ' ' + d[2] + ' ' + d[3] + ' ' + d.length);
//# idx-array-likes
function A() {} A.prototype = [7, 8];
var o = new A();
var args = (function () { return arguments; })('x', 'y');
var so = new String('hey');
print(at(o, 0) + ' ' + len(o) + ' ' + at(args, 1) + ' ' + len(args) + ' ' + at(so, 2) + ' ' + len(so) +
      ' ' + at('str', 1) + ' ' + at('str', 9) + ' ' + at({0: 'z'}, 0) + ' ' + at({'1.5': 'f'}, 1.5));
//# len-kinds
var f = function (p, q) {};
var lens = [len([]), len([1, , 3]), len('héllo'), len(''), len(f), len({length: 'x'}), len({}),
            len(new Array(7)), len(Math.max), len(arguments), len(/re/), len(5), len(true)];
print(lens.join(','));
//# len-shrink-grow
var e = [1, 2, 3, 4];
var seen = [];
for (var i = 0; i < e.length; i++) { seen.push(e[i]); if (i == 1) e.length = 3; if (i == 2) e.push(9); }
print(seen.join(',') + ' ' + e.length);
//# len-undefined-throws
var msg = '';
try { len(undefined); } catch (x) { msg += x instanceof TypeError; }
try { at(null, 0); } catch (x) { msg += ' ' + (x instanceof TypeError); }
print(msg);
//# idx-numbers-typed-loop
var m = [[1, 2], [3, 4]], t = 0;
for (var i = 0; i < 2; i++) for (var j = 0; j < 2; j++) t += m[i][j] * (i + 1);
var big = []; for (var k = 0; k < 1000; k++) big.push(k);
var u = 0; for (var k = 0; k < big.length; k += 7) u += big[k];
print(t + ' ' + u);
