// Number-typed locals (compiler/jstype.c): a function's var that only ever holds numbers is a C
// double and its operators are C arithmetic. Each case checks an edge of that: NaN and -0,
// ToInt32 of big and fractional values, % of every sign, and the vars that must stay generic
// (read before assigned, assigned a string, captured, for-in, catch, function declarations).
//# nt-nan-compare
var a = 0 / 0, one = 1;
print(a < one, a > one, a <= one, a >= one, !(a < one), !(a >= one));
print(a == a, a != a, a === a, a !== a, one == one);
var r = '';
if (a) r += 'a'; if (!a) r += '!a'; if (a < one) r += 'lt'; if (!(a < one)) r += '!lt';
while (a) { r += 'w'; break; }
print(r);
//# nt-negative-zero
var z = -0, y = 0 * -1, p = 0, m = -5;
print(1 / z, 1 / y, z == p, z === p, 1 / (z % 5), 1 / (m % 5), 1 / (5 % m), 1 / (p * m));
print(1 / -z, 1 / (z + p), 1 / (z - p), 1 / (z + z), 1 / Math.abs(z));
if (z) print('truthy'); else print('falsy');
var q = z ? 1 : 2; print(q);
//# nt-int-overflow
var i = 2147483647, k = i;
i++;
print(i, i * 2, i << 1, i | 0, k + 1 | 0, (k + 1) >> 0, (k + 1) >>> 0);
var big = 4294967296 + 5, neg = -2147483649, huge = 1e20, inf = 1 / 0, nan = 0 / 0;
print(big | 0, neg | 0, huge | 0, huge >>> 0, inf | 0, -inf >>> 0, nan | 0, ~nan, ~inf);
var e = 9007199254740993, f = -9007199254740992 * 3;
print(e | 0, f | 0, f >>> 0, (e * 1024) | 0, 1e21 >> 3, -1e21 >>> 3);
var acc = 0;
for (var n = 0; n < 10; n++) acc += 1e9;
print(acc, acc | 0, acc >>> 0);
//# nt-shifts
var one = 1, minus = -1, s32 = 32, s33 = 33, sneg = -1, frac = 3.7, nfrac = -3.7;
print(one << 31, one << s32, one << s33, one << sneg, minus >> 31, minus >>> 31, minus >>> 0);
print(frac | 0, nfrac | 0, ~frac, ~nfrac, frac << 1, nfrac >> 1, nfrac >>> 28, 0x80000000 >> 0);
var x = 2147483648; print(x ^ 0, x & x, x | 1, -x >> 1, -x >>> 1, (x * 2 + 7) & 15);
//# nt-modulo
var a = 7, b = 3, na = -7, nb = -3, h = 5.5, zero = 0, nz = -0, inf = 1 / 0;
print(na % b, a % nb, na % nb, h % 2, a % zero, zero % zero, inf % b, b % inf, 1 / (nz % 1));
print(1 / (zero % 3), 1 / (nz % 3), 1 / (na % 7), 9007199254740992 % 3, 9007199254740994 % 7);
print(1e300 % 7, -1e300 % 7, 0.3 % 0.1, 2.5 % -1, (a * 1000003) % 1000003);
//# nt-update-results
var i = 5;
var a = i++ + ++i;
print(a, i);
var d = 1.5; d--; --d; print(d, d++, d, --d);
var j = 0; var s = j++ + j++ + j++; print(s, j);
//# nt-compound
var q = 10;
q -= 3; print(q); q *= 2; print(q); q /= 4; print(q); q %= 3; print(q);
q = 13; q <<= 4; print(q); q >>= 1; print(q); q >>>= 1; print(q);
q &= 7; print(q); q |= 8; print(q); q ^= 3; print(q); q += 0.5; print(q);
var r = 1; print(r += 2, r -= 5, r *= r, r);
//# nt-order-of-evaluation
var x = 1;
var y = x + (x = 5) + x;
print(y, x);
var w = 2;
w = w * (w = 3) + w;
print(w);
var v = 1; v += (v = 10); print(v);
var u = 1; var t = (u++, u++, u); print(t, u);
//# nt-string-plus
var a = 1;
var b = a + '2';
var c = 1 + 2 + '3';
var d = '1' + 2 + 3;
var e = a; e += '';
print(b, typeof b, c, d, e, typeof e);
//# nt-inc-on-string
var s = '5';
s++;
print(s, typeof s);
var n = 1;
n = '2';
n++;
print(n, typeof n);
var m = '3'; m -= 1; print(m, typeof m);
var k = 'a'; k++; print(k);
//# nt-not-numbers
var u = 1; u = undefined; print(u);
var nl = 2; nl = null; print(nl);
var bo = 3; bo = true; print(bo, bo + 1);
var ob = 4; ob = {}; print(typeof ob);
var ar = 5; ar = [1, 2]; print(ar.length);
var cond = 1; cond = cond > 0; print(cond, cond + 1);
//# nt-read-before-assign
function f() { var r = typeof x; var x = 1; return r + ' ' + x; }
print(f());
function g() { var out = []; for (var j = 0; j < 3; j++) { if (j > 0) out.push(y); var y = j * 10; } return out.join(); }
print(g());
function h() { var z = z + 1; return z; }
print(h());
function k(c) { if (c) { var w = 1; } return w; }
print(k(true), k(false));
function sw(k) { var r = []; switch (k) { case 1: var w = 2; case 2: r.push(w); } return r.join(); }
print(sw(1), sw(2));
//# nt-used-after-loop
function f(n) { for (var i = 0; i < n; i++) {} return i; }
print(f(5), f(0), f(-1));
function g() { var s = 0; for (var i = 0; i < 4; i++) { var sq = i * i; s += sq; } return s + ' ' + sq + ' ' + i; }
print(g());
function h() { var t = 0; while (t < 100) t = t * 2 + 1; return t; }
print(h());
//# nt-nested-closure
var c = 0;
function inc() { c++; }
inc(); inc();
c += 1;
print(c);
function mk() { var n = 0; var f = function () { n = 'x'; }; n = n + 1; f(); return n; }
print(mk());
function mk2() { var k = 1; function get() { return k; } k = k * 5; return get(); }
print(mk2());
//# nt-for-in
var k = 0;
for (k in { a: 1 }) ;
print(k, typeof k);
function f() { var i = 0; i = i + 1; for (var i in [7, 8]) ; return i + 1; }
print(f());
//# nt-catch-shadow
var e = 1;
try { throw 'x'; } catch (e) { print(e); e = 5; }
print(e + 1);
function g() { var e = 2; try { throw 3; } catch (e) { e++; print(e); } return e * 10; }
print(g());
//# nt-function-declaration
var g = 1;
function g() {}
print(typeof g);
function h() { var q = 1; q = q + 1; return typeof q; function q() {} }
print(h());
//# nt-labelled-loop
var r = 0;
L: for (var i = 0; i < 5; i++) { for (var j = 0; j < 5; j++) { if (j > i) continue L; r += j; } }
print(r, i, j);
//# nt-truthiness-in-conditions
function t(x) { var n = x * 1; var s = ''; if (n) s += 'T'; else s += 'F'; s += n ? 'y' : 'n'; s += !n; s += n && 1; s += n || 2; return s; }
print(t(0), t(-0), t(0 / 0), t(1), t(-1), t(0.5), t(1 / 0));
var c = 3, out = '';
while (c) { out += c; c--; }
do { out += 'd'; c++; } while (c < 2);
for (var k = 2; k; k--) out += 'k' + k;
print(out);
//# nt-valueof-operands
var cnt = 0;
var o = { valueOf: function () { cnt++; return 3; } };
var r = -o; print(r, cnt);
r = o * 2; print(r, cnt);
r = +o; print(r, cnt);
r = ~o; print(r, cnt);
r = o - 1 + r; print(r, cnt);
var s = 1; s += o; print(s, cnt);
var t = 0; t = o++; print(t, typeof o, o);
//# nt-throwing-operand
var r = 1;
try { r = r - { valueOf: function () { throw new Error('boom'); } }; } catch (e) { print(e.message); }
print(r);
var q = 5;
try { q = q * undefinedName; } catch (e) { print(e.name); }
print(q);
//# nt-typeof-delete
var x = 1.5;
print(typeof x, delete x, x);
//# nt-arguments
function f(a) { var b = 1; arguments[0] = 5; b = b + a; return b + ' ' + arguments.length; }
print(f(2), f());
function g(a) { var a2 = 2; a = 'p'; return a2 + a; }
print(g(1));
//# nt-shadowing-names
function outer() { var v = 1; function inner() { var v = 'a'; return v; } v = v + 1; return inner() + v; }
print(outer());
function o2() { var w = 1; var f = function w() { return typeof w; }; w = w * 2; return f() + w; }
print(o2());
//# nt-as-arguments-and-results
function sq(x) { return x * x; }
function f() { var a = 3, b = 4; var c = sq(a) + sq(b); var d = 0; d = a * b; return [c, d, sq(d)].join(); }
print(f());
function g() { var x = 7; return x; }
print(g() + 1, typeof g());
//# nt-floats
var f = 0.5, s = 0;
for (var i = 1; i <= 10; i++) { f = f * 0.999 + 1 / (i + 1); s = s + 0.1; }
print(f, s, s == 1, 0.1 + 0.2, 1e21 + 1, 5e-324 / 2, -5e-324 / 2 === 0);
print(1 / (-5e-324 / 2));
//# nt-equality-mixed
var n = 1, z = 0;
print(n == '1', n === 1, n != '1', z == '', z == false, z === false, n == true, n == null);
var nan = 0 / 0; print(nan == nan, nan === nan, nan != nan, [nan].indexOf(nan));
//# nt-compound-assignment-first
// x op= e reads x: as the first occurrence it is a read of undefined, not an assignment
function compoundFirst() {
  var a; a += 1;
  var b; b -= 2;
  var c; c *= 3; c = 4;
  var d; d |= 5;
  var e; e += 'e';
  return [a, b, c, d, e].join(' ');
}
print(compoundFirst());
