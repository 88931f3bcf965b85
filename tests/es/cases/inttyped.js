// Integer locals (compiler/jstype.c, "Integer ranges"): a number-typed var whose every value is
// provably an integer of a range within 2^53 (never -0) is a C int32_t or int64_t, computed with
// by C integer arithmetic. Each case stands on an edge of a rule: a counted loop's bound (and one
// that the body breaks), int32's and 2^53's limits, -0 from * and %, widening, the guards that
// must not be trusted (the counter written in the body, the condition, the increment).
//# it-counted-loops
var s = 0;
for (var i = 0; i < 10; i++) s = s + i * i;
print(i, s);
for (var j = 10; j > -3; j--) s = (s * 7 + j) % 1000;
print(j, s);
for (var k = 5; k >= 0; k -= 2) s = s - k;
print(k, s);
for (var m = 0; 10 > m; m += 3) s = (s + m) % 97;
print(m, s);
for (var n = 5; n < 0; n++) s = s + 1000;
print(n, s);
//# it-int32-edges
var last = 0;
for (var i = 2147483640; i < 2147483647; i++) last = i - 2147483000;
print(i, last, i + 1, i * 2, i << 1, i | 0);
for (var i2 = 2147483645; i2 <= 2147483647; i2++) last = i2;
print(i2, last, i2 | 0, i2 >>> 0, -i2, i2 * i2);
for (var i3 = -2147483640; i3 > -2147483648; i3--) last = i3;
print(i3, last, i3 - 1, (i3 - 1) | 0, i3 * -i3);
var p = 65536 * 65536, q = p * 65536;
print(p, q, p | 0, q >>> 0, p + 1, q % 1000003);
//# it-limit-2-53
var big = 4503599627370496, two = 2;
var over = big * two, again = over + 1, more = over * two;
print(over, again, again - over, more, more + 1);
var f = 1;
for (var i = 0; i < 40; i++) f = f * 3;
print(f, f + 1, f % 10, f - 1);
var c = 1;
for (var j = 0; j < 60; j++) c = c + c;
print(c, c + 1, c - 1);
//# it-negative-zero
var zero = 0, neg = -5, pos = 3;
var a = zero * neg, b = neg * zero, d = zero * pos, e = -7 % 7, g = neg % 5, h = 0 % 5;
print(1 / a, 1 / b, 1 / d, 1 / e, 1 / g, 1 / h);
var m = -zero, n = zero - 0, o = -(pos - 3);
print(1 / m, 1 / n, 1 / o);
for (var i = -2; i < 2; i++) print(i * -1, 1 / (i * 0), i % 2, 1 / (i % 1));
//# it-modulo
var acc = 0;
for (var i = 1; i <= 1000; i++) acc = (acc + i * 7919) % 1000003;
var r = 17, t = 100 % r, u = acc % r, v = (acc - 500000) % 13;
print(acc, t, u, v, acc % acc, (acc * acc) % 1000003);
//# it-widening
var w = 0;
while (true) { w = w + 1; if (w > 100) break; }
var x = 0;
do { x = x + 1000000; } while (x < 5000000000);
var y = 1;
while (y < 1e15) y = y * 10 + 1;
print(w, x, y, x | 0, y % 7);
//# it-untrusted-guards
var s = '';
for (var i = 0; i < 10; i++) { if (i == 5) i = 2147483646; }
s += i + ' ';
for (var j = 0; j < 10; j++) j = j * 1000000;
s += j + ' ';
for (var k = 0; (k = k + 1) < 5; k++) ;
s += k + ' ';
for (var m = 0, n = 10; m < n; m++, m++) ;
s += m + ' ' + n + ' ';
for (var a = 0, b = 0; a < 3; a++, b = b * 100000 + 99999) ;
s += a + ' ' + b;
print(s);
//# it-continue-and-break
var s = 0;
for (var i = 0; i < 20; i++) { if (i % 3 == 0) continue; if (i > 15) break; s = s + i; }
print(i, s);
outer: for (var a = 0; a < 5; a++) for (var b = 0; b < 5; b++) { if (b == a) continue outer; s = s + a * b; }
print(a, b, s);
//# it-values-of-expressions
var i = 0, j;
var a = (j = 3) + 1, b = (i++, i++, i), c = i ? 7 : 9, d = ++i + i++, e = -(j - 10);
print(i, j, a, b, c, d, e, j++ + ++j, j);
var k = 5; k *= 3; k -= 20; k %= 4; k += 2;
print(k, k | 0, ~k, k >> 1, k >>> 28);
var bits = 0;
for (var n = 0; n < 40; n++) bits = (bits * 31 + n) | 0;
print(bits, bits & 0xff, bits >>> 0, (bits & 0x7fffffff) % 1000);
//# it-mixed-comparisons
var u = 4000000000 >>> 0, i = -1, z = 0;
print(u > i, i < u, u == 4000000000, (u | 0) < z, u >= u, i === -1, i !== i);
var big = 3000000000 * 2, neg = -big;
print(big > u, neg < i, big == 6000000000, neg <= -6000000000);
//# it-strings-and-objects
var s = '', o = {};
for (var i = 0; i < 5; i++) { s += i; o[i] = i * i; }
print(s, o[4], s.charAt(2), s.length, [1, 2, 3][i - 3]);
//# it-steps-and-bounds
var s = '';
for (var a = 0; a < 10; a += 2) ;
for (var b = 0; b < 10; b -= -3) ;
for (var c = 1; c < 1000; c *= 2) ;
for (var d = 0; d < 3000000000; d++) if (d == 5) { d = d * 600000000; break; }
for (var e = 10; e >= -10; e -= 7) ;
for (var f = 0, g = 10; f < g; f++, g--) ;
for (var h = 0; h < 10; h = h + 1) ;
var n = 7;
for (var k = 0; k < n; k++) n = n - 1;
print(a, b, c, d, e, f, g, h, k, n);
//# it-loop-bound-grows
var lim = 3, steps = 0;
for (var i = 0; i < lim; i++) { steps++; if (lim < 100) lim = lim * 2; }
var j = 0, m = 5;
for (; j <= m; j++) m = m - (j % 2);
print(i, lim, steps, j, m);
//# it-guard-bound-at-the-limit
var e = -9007199254740991, s = 0;
if (s == 0) e = 10;
for (var i = 0; i < e; i++) s = s + i * 1000000000;
var f = 9007199254740991, t = 0;
if (t == 0) f = -10;
for (var j = 0; j > f; j--) t = t + j * 1000000000;
print(i, s, j, t);
