// Direct calls (docs/generated-c.md, "Direct calls"): a plain call of a declared function is
// its C function when the name still holds a function object of that declaration, and a second
// body with typed parameters runs when the arguments are numbers. Each case checks a way the
// guard must fail or the typed body must not be taken: a reassigned name, arguments, missing
// and extra arguments, this, deep recursion, a parameter given something else than a number.
// (These run in a transition's script: the guard compares C code; tests/ccxml/es-direct-calls
// covers the document level, where it compares with a hidden slot.)
//# dc-reassigned
function f(n) { return n + 1; }
var r = f(1);
f = function (n) { return n * 10; };
print(r, f(2));
function g(n) { return n - 1; }
var h = g;
g = 5;
try { g(1); } catch (e) { print(e.name, h(1)); }
//# dc-reassigned-inside
function fact(n) {
	if (n == 3) fact = function () { return 100; };
	return n <= 1 ? 1 : n * fact(n - 1);
}
print(fact(5), fact(5), fact(2));
//# dc-before-declaration
print(dbl(3), typeof dbl);
function dbl(n) { return n * 2; }
function twice() { return 1; }
function twice() { return 2; }
print(twice());
//# dc-arguments
function a(x, y) { return arguments.length + ':' + x + ':' + y; }
print(a(1), a(1, 2, 3), a());
function al(p) { arguments[0] = 'set'; return p; }
print(al(1), al(), al(2, 3));
function shadowed(g) { function g() { return 'decl'; } arguments[0] = 5; try { return g(); } catch (e) { return e.name; } }
print(shadowed(1), shadowed());
//# dc-fewer-more
function add(a, b) { return a + b; }
print(add(1), add(1, 2, 3), add('1', 2), add(1, '2'), add(), add(1.5, -0), 1 / add(-0, -0));
var side = 0;
print(add(1, 2, side++), side);
function three(a, b, c) { return [a, b, c].join('/'); }
print(three(1), three(1, 2), three(1, 2, 3, 4));
//# dc-typed-params
function cnt(n) { return n > 0 ? cnt(n - 1) : typeof n + ' ' + n; }
print(cnt(3), cnt('3'), cnt(true), cnt(null), cnt(-0.5), cnt(0 / 0));
function neg(z) { return 1 / z; }
print(neg(-0), neg(0), neg('-0'));
function mixed(n, s) { return s + (n * 2); }
print(mixed(2, 'x'), mixed('2', 'x'), mixed(2, 3), mixed(2));
function str(n) { if (n > 2) n = 'big'; return n; }
print(str(1), str(5));
function obj(n) { return n < 2; }
var o = { valueOf: function () { print('valueOf'); return 1; } };
print(obj(o), obj(3));
function loop(n) { var s = 0; for (var i = 0; i < n; i++) s += i; return s; }
print(loop(10), loop('10'), loop(2.5));
//# dc-this
function th() { return typeof this + ' ' + (this === undefined); }
print(th());
function setG(v) { this.dcGlobal = v; return v; }
setG(7);
print(dcGlobal);
var holder = { th: th, v: 1 };
function getV() { return this.v; }
holder.getV = getV;
print(holder.th(), holder.getV(), getV.call({ v: 2 }));
//# dc-recursion-depth
function deep(n) { return deep(n + 1) + 1; }
try { deep(0); print('no error'); } catch (e) { print(e instanceof RangeError); }
function deepv(v) { return deepv(v) + 1; }
try { deepv('x'); print('no error'); } catch (e) { print(e instanceof RangeError); }
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
print(fib(15), fib('10'), fib(2.5));
//# dc-closures
function outer(k) {
	function h(x) { return x * k; }
	return function (y) { return h(y) + h(1); };
}
print(outer(3)(4), outer(2)(5));
function counter() {
	var c = 0;
	function inc(d) { c += d; return c; }
	inc(1); inc(2);
	return inc(3);
}
print(counter(), counter());
function rec(n) { function inner(m) { return m <= 0 ? 0 : 1 + inner(m - 1); } return inner(n); }
print(rec(5));
//# dc-int32-ops
var x = 0x7fffffff, y = -1, z = 3.7, w = -2147483649;
x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
print(x, (x >>> 0) % 10007, (y >>> 0) % 10, (y >>> 0) % 4294967295, (y >>> 0) % 1, (w >>> 0) % 7);
print(y << 31, (y << 31) >>> 0, y >> 1, y >>> 1, ~y, ~(y >>> 0), ~~z, ~(x ^ y));
print(1 << 32, 1 << 33.5, 1 << -1, 8 >> -31, z << 1, z >>> 0.5, w | 0, w >> 0, w >>> 0);
print((x & 0xff) | (x ^ 1e10), (x >>> 0) ^ 0, ((x >>> 0) % 5) << 30, 5e9 & 5e9, -5e9 | 1);
var s = 0;
for (var i = 1; i <= 100; i++) { var v = (i * 2654435761) >>> 0; s = (s + v % 1000) | 0; s ^= s >> 3; }
print(s, 0 / 0 | 0, (1 / 0) >>> 0, -0 >>> 0, 1 / (-0 | 0), 1 / ((-0 >>> 0) % 3));
print(x << 0, x >> 0, y >>> 0, (x ^ y) >>> 0, z << 0, z + 0, z - 0, z * 0, z < 0, 1 / (-z * 0 - 0));
