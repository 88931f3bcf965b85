// More language: typeof, void, hoisting details, scope, regular-expression literals, ES3 vs node.
var topLevelVar = 'top';
function topLevelFn() { return 'topfn'; }
//# typeof-all
print(typeof undefined, typeof null, typeof true, typeof 1, typeof 's', typeof {}, typeof [], typeof function () {}, typeof new Date(0) === 'object');
//# typeof-builtins
print(typeof Math, typeof Math.max, typeof Object, typeof String.prototype.charAt, typeof NaN);
//# void-operator
print(void 0, void 'x', typeof void 0);
//# prelude-visible
print(topLevelVar, topLevelFn());
//# hoist-in-nested-fn
function outer() { return inner(); function inner() { return 'in'; } } print(outer());
//# hoist-var-shadows-outer
var sh = 'outer'; function f() { var r = sh; var sh = 'inner'; return r; } print(f());
//# hoist-param-and-var
function f(a) { var a; return a; } print(f(3));
//# hoist-function-replaces-param
function f(a) { return typeof a; function a() {} } print(f(1));
//# hoist-redeclare-function
function f() { function g() { return 1; } function g() { return 2; } return g(); } print(f());
//# hoist-var-in-for-in
function f() { for (var k in { a: 1 }) {} return k; } print(f());
//# hoist-var-in-catch-block
function f() { try { throw 1; } catch (e) { var inCatch = 'v'; } return inCatch; } print(f());
//# scope-function-sees-later-var
function f() { function g() { return later; } var later = 'L'; return g(); } print(f());
//# scope-inner-var-does-not-leak
function f() { var x = 1; (function () { var x = 2; })(); return x; } print(f());
//# scope-assign-outer-from-inner
function f() { var x = 1; (function () { x = 2; })(); return x; } print(f());
//# arguments-shadowed-by-param
function f(arguments) { return arguments; } print(f('p'));
//# arguments-shadowed-by-var
function f() { var arguments = 'v'; return arguments; } print(f(1, 2));
//# arguments-in-nested-is-own
function f() { return (function () { return arguments.length; })(1, 2, 3); } print(f());
//# arguments-modify-length
function f() { arguments.length = 1; return arguments.length + ':' + arguments[1]; } print(f('a', 'b'));
//# arguments-alias-closure
function f(x) { var g = function () { return x; }; arguments[0] = 'changed'; return g(); } print(f('orig'));
//# arguments-alias-closure-writes
// 10.1.8 with the parameter in an env: a closure's write shows in arguments[i], and back
function f(x, y) { var s = function (v) { x = v; }; s('c'); var a = arguments[0]; arguments[1] = 'b2'; return a + ' ' + x + ' ' + y + ' ' + (function () { return y; })(); } print(f('a', 'b'));
//# arguments-alias-closure-missing-arg
// a parameter beyond the actual arguments is not aliased, captured or not
function f(x, y) { var g = function () { return y; }; arguments[1] = 'no'; return g() + ' ' + arguments.length; } print(f(1));
//# arguments-alias-closure-deleted
function f(x) { var g = function () { return x; }; delete arguments[0]; arguments[0] = 'z'; return g() + ' ' + x; } print(f('orig'));
//# arguments-alias-closure-nested
// arguments used by a closure, the parameter only by its own function, and both in a grandchild
function f(x) { var g = function () { return arguments.length; }; var h = function () { return function () { return x; }; };
  arguments[0] = 'A'; var r = x + g() + h()(); x = 'B'; return r + arguments[0] + h()(); } print(f('a'));
//# arguments-captured-param-reassigned-arguments
function f(x) { var g = function () { return x; }; arguments = 5; x = 'new'; return g() + ' ' + arguments; } print(f('old'));
//# self-reference-fn-expr
var fe = function me() { return typeof me; }; print(fe());
//# fn-expr-name-readonly-ish
var fe2 = function me2() { return me2 === fe2; }; print(fe2());
//# iife-forms
print((function () { return 1; })(), (function () { return 2; }()), !function () { return 3; }());
//# immediate-object-method
print({ m: function () { return 'om'; } }.m());
//# closure-counter-generator
function gen() { var i = 0; return { next: function () { return i++; }, peek: function () { return i; } }; }
var g = gen(); g.next(); g.next(); print(g.peek(), g.next(), g.peek());
//# closure-memoize
function memo(f) { var c = {}; return function (n) { if (!(n in c)) c[n] = f(n); return c[n]; }; }
var calls = 0; var sq = memo(function (n) { calls++; return n * n; }); sq(4); sq(4); sq(5); print(calls, sq(4));
//# closure-recursive-inner
function f(n) { function fib(k) { return k < 2 ? k : fib(k - 1) + fib(k - 2); } return fib(n); } print(f(20));
//# closure-over-param-modified
function f(p) { var g = function () { return p; }; p = p + 1; return g(); } print(f(1));
//# closure-many-levels-write
function a() { var v = 0; function b() { function c() { v += 10; } c(); v += 1; } b(); b(); return v; } print(a());
//# this-in-constructor-called-plain
var glob = (function () { return this; })(); function C() { return this === glob; } print(C(), new C() instanceof C);
//# this-in-callback
var o = { v: 1, run: function (f) { return f(); } }; print(o.run(function () { return typeof this; }));
//# this-method-from-prototype
function P() { this.v = 'own'; } P.prototype.get = function () { return this.v; }; var x = new P(); var get = x.get; print(x.get(), typeof get.call({ v: 'other' }));
//# regexp-literal-source
var re = /a+b/gi; print(re.source, re.global, re.ignoreCase, re.multiline);
//# regexp-literal-test
print(/^h.llo$/.test('hello'), /\d+/.exec('ab123c')[0], 'a1b2'.replace(/\d/g, '#'));
//# regexp-literal-one-object
// ES3 7.8.5: the literal is one object, made before the code runs (ES5: one per evaluation)
//! es3: true
function f() { return /x/; } print(f() === f());
//# regexp-literal-lastindex-persists
// ES3 7.8.5: the same object each time, so a global regexp's lastIndex goes on; the fourth
// test fails and resets it (node, one object per evaluation: 1 1 1 1)
//! es3: 1 2 3 0
function f(s) { var r = /a/g; r.test(s); return r.lastIndex; } print(f('aaa'), f('aaa'), f('aaa'), f('aaa'));
//# regexp-literal-two-sites
// two literals with the same text are two objects; the loop evaluates one site many times
//! es3: false true
var a = [], i; for (i = 0; i < 2; i++) a.push(/x/); print(/x/ === /x/, a[0] === a[1]);
//# regexp-split-match
print('a1b22c'.split(/\d+/).join(), 'x12y3'.match(/\d+/g).join('|'));
//# json-absent-es3
// ES3 has no JSON object: ccxmlc gives it anyway (issue 4, library); node too
print(typeof JSON, JSON.stringify({ a: [1, 'x'] }));
//# date-basics
var d = new Date(0); print(d.getTime(), typeof Date.UTC(2000, 0, 1));
//# number-toPrecision
print((123.456).toPrecision(4), (0.00001).toPrecision(1), (1e21).toPrecision(3));
//# number-toExponential
print((123.456).toExponential(2), (0).toExponential(), (1.5).toExponential(0));
//# parseInt-leading-zero
// ES3 15.1.2.2 lets '0'-prefixed strings be octal; ccxmlc, like ES5 and node, reads decimal
print(parseInt('010'), parseInt('08'), parseInt('0x1A'), parseInt('  -12px'), parseInt(''), parseInt('z', 36));
//# function-toString-no-source
// ccxmlc keeps no source text at run time (docs/ecmascript.md)
//! es3: function
print(String(function foo() { return 1; }).slice(0, 8));
//# string-trim-es5
// String.prototype.trim is ES5; ccxmlc has it (docs/ecmascript.md)
print('[' + '  a b  '.trim() + ']');
//# array-sort-stable
// ES3 does not require a stable sort; ccxmlc's merge sort and node's TimSort both are
var a = [{ k: 1, v: 'a' }, { k: 0, v: 'b' }, { k: 1, v: 'c' }, { k: 0, v: 'd' }];
a.sort(function (x, y) { return x.k - y.k; }); var r = []; for (var i = 0; i < a.length; i++) r.push(a[i].v); print(r.join(''));
//# undefined-is-writable-global
// ES3: undefined is a writable property of the global object (ES5 made it read-only)
//! es3: 5
var g = (function () { return this; })(); g.undefined = 5; print(g.undefined);
//# nan-infinity-props
print(NaN !== NaN, Infinity === 1 / 0, isNaN(undefined), isNaN(null), isFinite('12'), isFinite(Infinity));
//# global-functions-exist
print(typeof parseInt, typeof parseFloat, typeof escape, typeof unescape, typeof encodeURIComponent);
//# escape-unescape
print(escape('a b+c/\u00e9'), unescape('%41%u0042'), encodeURIComponent('a b&c'), decodeURI('%41%20'));
//# math-basics
print(Math.max(), Math.min(), Math.max(1, NaN), Math.abs(-3), Math.floor(-1.5), Math.ceil(-1.5), Math.round(-2.5), Math.round(2.5), Math.sqrt(16));
//# math-constants
print(Math.PI, Math.E, Math.SQRT2, Math.LN2);
//# label-on-for-in
var r = ''; L: for (var k in { a: 1, b: 2, c: 3 }) { for (var i = 0; i < 2; i++) { if (k == 'b') continue L; r += k + i; } } print(r);
//# label-do-while
var i = 0, r = ''; L: do { i++; if (i == 2) continue L; if (i == 4) break L; r += i; } while (i < 10); print(r);
//# label-break-from-try-finally
var r = ''; L: { try { r += 't'; break L; } finally { r += 'f'; } r += 'x'; } print(r);
//# label-continue-through-finally
var r = ''; L: for (var i = 0; i < 2; i++) { for (;;) { try { continue L; } finally { r += i; } } } print(r);
//# return-from-nested-loops
function f() { for (var i = 0; i < 5; i++) for (var j = 0; j < 5; j++) if (i * j == 6) return i + ',' + j; return 'none'; } print(f());
//# switch-in-function-return-default
function f(x) { switch (typeof x) { case 'number': return 'n'; case 'string': return 's'; default: return 'o'; } } print(f(1), f(''), f(null));
//# increments-on-properties
var o = { n: 1 }; o.n++; ++o.n; o['n'] += 2; print(o.n, o.n--, o.n);
//# increment-converts
var s = '5'; s++; var u; u++; var n = null; n++; print(s, typeof s, u, n);
//# compound-eval-order
var log = []; var o = { get: function () { log.push('o'); return this; }, v: 1 }; o.get().v += (log.push('rhs'), 2); print(log.join(), o.v);
//# assignment-chain
var a, b, c; a = b = c = 7; print(a, b, c);
//# assignment-value
var x; print((x = 3) + 1, x);
//# member-eval-order
var log = []; function k(v) { log.push(v); return v; } var o = { a: { b: 1 } }; o[k('a')][k('b')] = k('val'); print(log.join(), o.a.b);
//# call-eval-order
var log = []; function k(v) { log.push(v); return v; } function f() { return 0; } (k(f))(k(1), k(2)); print(log.length, log[1], log[2]);
//# plus-eval-order
var log = ''; var a = { valueOf: function () { log += 'a'; return 1; } }, b = { valueOf: function () { log += 'b'; return 2; } }; print(a + b, b + a, log);
//# relational-eval-order
var log = ''; var a = { valueOf: function () { log += 'a'; return 1; } }, b = { valueOf: function () { log += 'b'; return 2; } }; print(a > b, log);
//# string-number-comparisons
print('10' > 9, '10' > '9', 'a' > 1, null >= 0, null > 0, null == 0, undefined == 0, undefined >= 0);
//# equality-matrix-special
print(null == undefined, null === undefined, NaN == NaN, '' == 0, '0' == false, [] == false, [0] == false, [1] == true, [[]] == 0);
//# bitwise-large
print(4294967295 | 0, 4294967296 | 0, -4294967297 | 0, 1e21 | 0, 2147483648 >> 0, 2147483648 >>> 0, -2147483649 >> 0);
//# shift-count-masked
print(1 << 33, 1 >> 32, -1 >>> 32, 256 >> -1, 1 << -1);
//# modulo-signs
print(7 % 3, -7 % 3, 7 % -3, -7 % -3, 7.5 % 2, -0 % 1, 1 % Infinity, Infinity % 1);
//# division-signs
print(1 / 0, -1 / 0, 0 / -1, -0 / 1, 1 / (0 / -1));
//# unary-plus-minus-strings
print(+'', +' ', +'12', +'1e3', +'-0', -'3', +'abc', +[], +[5], +[1, 2], +{}, +null, +undefined, +true);
