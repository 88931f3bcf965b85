// Calls, third round (docs/performance.md): the body with typed parameters returns a C double,
// anything else than a number passing through X->rbox (cx_ret_num, cx_ret_val); a plain call of
// a value is inline up to the callee's C function (cx_call_plain). Each case checks a result or
// a callee those fast paths must hand over exactly: non-numbers, NaN, -0, exceptions, finally,
// a name reassigned mid-recursion, closures made in a loop, call/apply with any this.
// shared (document level: the direct calls compare with a hidden slot)
function rt(n) {
	if (n == 1) return 'one';
	if (n == 2) return;
	if (n == 3) return { v: 3 };
	if (n == 4) return 0 / 0;
	if (n == 5) return -0;
	if (n == 6) return null;
	if (n == 7) return n > 6;
	if (n == 8) return [n];
	return n * 2;
}
function id(x) { return x; }
function pfib(n) { return n < 2 ? n : pfib(n - 1) + pfib(n - 2); }
//# tr-non-numbers
print(rt(1), rt(2), rt(3).v, rt(4), 1 / rt(5), rt(6), rt(7), rt(8).length, rt(9), rt(1.5));
print(rt(4), rt(1), rt(4), rt(2), rt(4), typeof rt(3), rt(4) + rt(1), rt(1) + rt(4), rt(9) + rt(4));
var acc = [];
for (var i = 0; i < 11; i++) acc.push(typeof rt(i) + ':' + rt(i));
print(acc.join(' '));
print(rt('1'), rt('4'), rt(true), rt(null), rt(undefined), rt(1 / 0), rt(-1 / 0));
//# tr-nan-and-zero
function half(x) { return x / 2; }
print(half(0 / 0), half(1 / 0), 1 / half(-0), 1 / id(-0), id(0 / 0) === id(0 / 0), isNaN(id(0 / 0)));
function nanThen(n) { return n < 0 ? 0 / 0 : n > 0 ? 'pos' : n; }
print(nanThen(-1), nanThen(1), nanThen(-1), nanThen(0), nanThen(-1) + nanThen(1));
//# tr-exceptions
function thr(n) {
	if (n > 3) throw new Error('big ' + n);
	if (n == 3) throw 0 / 0;
	return n < 0 ? thr(n + 1) : n;
}
try { thr(5); } catch (e) { print(e.message, thr(1), id(0 / 0)); }
try { thr(-2); print('no error'); } catch (e) { print('caught', e); }
try { thr(3); } catch (e) { print(typeof e, isNaN(e), thr(2)); }
function catcher(n) { try { return thr(n); } catch (e) { return 'c' + n; } }
print(catcher(1), catcher(4), catcher(3), catcher(0), id(0 / 0), catcher(4) + catcher(2));
//# tr-finally
var fin = 0;
function tf(n) { try { if (n > 1) return 'big'; if (n < 0) throw 'neg'; return n; } finally { fin++; } }
print(tf(1), tf(2), tf(0.5), fin);
try { tf(-1); } catch (e) { print(e, fin); }
function tf2(n) { try { return n * 2; } finally { if (n > 5) return 'over'; } }
print(tf2(1), tf2(6), tf2(3) + 1);
//# tr-reassigned-in-recursion
function fr(n) {
	if (n == 2) fr = function () { return 'x'; };
	return n <= 0 ? 0 : fr(n - 1) + 1;
}
print(fr(4), fr(4), typeof fr(1));
function fu(n) {
	if (n == 1) fu = undefined;
	try { return n <= 0 ? 0 : fu(n - 1) + 1; } catch (e) { return e.name; }
}
print(fu(3));
//# tr-deep-recursion
function d(n) { try { return d(n + 1); } catch (e) { return n; } }
var depth = d(0);
print(typeof depth, depth > 100);
function dn(n) { return dn(n + 1) * 2; }
try { dn(0); print('no error'); } catch (e) { print(e instanceof RangeError, id(0 / 0), dn === dn); }
var pf = pfib;
print(pfib(20), pf(10), pfib('7'), pfib(2.5));
//# tr-arguments
function ac(n) { return arguments.length > 1 ? arguments[1] : n * 2; }
print(ac(2), ac(2, 'b'), ac(2, 3), ac('2'), ac());
function ac2(n) { arguments[0] = 'changed'; return n; }
print(ac2(1), ac2('s'), ac2());
//# tr-closures-in-loop
var fs = [];
for (var i = 0; i < 4; i++) fs.push((function (j) { return function () { return j * 10; }; })(i));
var out = [];
for (var k = 0; k < fs.length; k++) { var g = fs[k]; out.push(g()); }
print(out.join(','));
var shared = [];
for (var m = 0; m < 3; m++) shared.push(function () { return m; });
var s0 = shared[0];
print(s0(), shared[1](), shared[2]());
function makeCounter(step) { var c = 0; return function () { c += step; return c; }; }
var ctr = makeCounter(2), ctr2 = makeCounter('a');
for (var r = 0; r < 5; r++) ctr();
print(ctr(), ctr2(), ctr2(), ctr());
var notfn = 5, nul = null, obj = {};
try { notfn(); } catch (e) { print(e.name); }
try { nul(); } catch (e) { print(e.name); }
try { obj(); } catch (e) { print(e.name); }
var pi = parseInt, mx = Math.max;
print(pi('12px'), mx(3, 9, 4), pi());
function selfThis() { return this === globalThis0; }
var globalThis0 = this;
var st = selfThis;
print(st(), selfThis());
//# tr-call-apply-this
function scaled(f) { return this.base * f; }
function tthis() { return typeof this; }
var base = 100;
print(scaled.call({ base: 2 }, 3), scaled.call(null, 3), scaled.call(undefined, 1), scaled.call(5, 2));
print(scaled.apply({ base: 4 }, [5]), scaled.apply(null, [1]), scaled.apply({ base: 'x' }), scaled.call());
print(tthis.call(5), tthis.call(null), tthis.call(undefined), tthis.apply('s'), tthis.call(true), tthis());
function sum3(a, b, c) { return a + b + c; }
print(sum3.call(null, 1, 2, 3), sum3.apply(null, [1, 2]), sum3.call(null, '1', 2, 3));
var k3 = 0;
for (var q = 0; q < 3; q++) k3 += scaled.call({ base: q }, 3);
print(k3);
