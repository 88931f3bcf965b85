// Functions, closures, hoisting, this, arguments (ECMA-262 3rd ed. 10, 13).
//# closure-counter
function counter() { var n = 0; return function () { return ++n; }; }
var a = counter(), b = counter();
a(); a();
print(a(), b());
//# closure-loop-shares-var
var fs = [];
for (var i = 0; i < 3; i++) fs.push(function () { return i; });
print(fs[0](), fs[1](), fs[2]());
//# closure-iife-copies
var gs = [];
for (var j = 0; j < 3; j++) gs.push((function (k) { return function () { return k; }; })(j));
print(gs[0](), gs[1](), gs[2]());
//# closure-captures-variable
function mk() { var v = 'x'; function get() { return v; } v = 'y'; return get; }
print(mk()());
//# closure-nested-three-levels
function f1(a) { return function (b) { return function (c) { return a + b + c; }; }; }
print(f1(1)(2)(3), f1('a')('b')('c'));
//# closure-writes-outer
var n = 0;
function inc() { n += 2; }
inc(); inc();
print(n);
//# closure-sibling-share
function pair() { var x = 0; return [function () { x++; }, function () { return x; }]; }
var p = pair(); p[0](); p[0](); print(p[1]());
//# closure-catch-var
var f;
try { throw 'boom'; } catch (e) { f = function () { return e; }; }
print(f());
//# closure-catch-var-shadow
var e = 'outer';
var g;
try { throw 'inner'; } catch (e) { g = function () { return e; }; }
print(g(), e);
//# hoist-function-decl
print(h());
function h() { return 'hoisted'; }
//# hoist-var-undefined
print(typeof v, v);
var v = 3;
print(v);
//# hoist-var-in-block
if (false) { var never = 1; }
print(typeof never, never);
//# hoist-function-over-var
print(typeof q);
var q = 1;
function q() {}
print(typeof q);
//# this-plain-call
function t() { return typeof this; }
print(t());
//# this-member-call
var o = { k: 'K', m: function () { return this.k; } };
print(o.m(), o['m']());
//# this-detached
var o2 = { k: 'K', m: function () { return this === o2; } };
var m = o2.m;
print(o2.m(), m());
//# this-call-primitive
function tt() { return typeof this; }
print(tt.call(5), tt.call('s'), tt.call(true), tt.call(null), tt.call(undefined));
//# this-primitive-is-its-wrapper
String.prototype.pf = function () { return [typeof this, this instanceof String, this + '!']; };
Number.prototype.pg = function () { return [this instanceof Number, this * 2, this.toFixed(1)]; };
Boolean.prototype.ph = function () { return this instanceof Boolean && this.valueOf(); };
function tw() { return this instanceof String ? 'wrapper ' + this.length : 'other'; }
print('hi'.pf(), (5).pg(), true.ph(), tw.call('abc'), tw.apply('abcd', []));
//# this-call-null-is-global
var glob = (function () { return this; })();
function tg() { return this === glob; }
print(tg.call(null), tg.call(undefined), tg.apply(null, []));
//# this-apply-object
function sum(a, b) { return this.base + a + b; }
print(sum.apply({ base: 10 }, [1, 2]), sum.call({ base: 100 }, 1, 2));
//# arguments-length
function al() { return arguments.length; }
print(al(), al(1), al(1, 2, 3), al(undefined));
//# arguments-index
function ai() { return arguments[0] + arguments[2]; }
print(ai(1, 2, 3), ai('a', 'b', 'c'));
//# arguments-alias-write-param
function aw(x) { arguments[0] = 9; return x; }
print(aw(1));
//# arguments-alias-write-arg
function ax(x) { x = 7; return arguments[0]; }
print(ax(1));
//# arguments-extra-not-aliased
function ay(x) { x = 7; return arguments.length + ' ' + arguments[0]; }
print(ay());
//# arguments-typeof
function at() { return typeof arguments + ' ' + (arguments instanceof Object); }
print(at());
//# arguments-callee
var fact = function (n) { return n <= 1 ? 1 : n * arguments.callee(n - 1); };
print(fact(6));
//# function-length
function fl0() {} function fl2(a, b) {}
print(fl0.length, fl2.length);
//# named-function-expression
var nf = function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); };
print(nf(10), typeof fact);
//# recursion-deep
function rec(k) { return k === 0 ? 0 : 1 + rec(k - 1); }
print(rec(1000));
//# missing-args-undefined
function ma(a, b) { return typeof b; }
print(ma(1));
//# return-nothing
function rn() { return; }
function rn2() {}
print(rn(), rn2());
//# function-as-value
function ap(f, x) { return f(x); }
print(ap(function (y) { return y * 2; }, 21));
//# function-properties
function fp() {}
fp.extra = 5;
print(fp.extra, typeof fp.prototype, fp.prototype.constructor === fp);
//# constructor-basic
function P(x) { this.x = x; }
P.prototype.get = function () { return this.x; };
var pp = new P(4);
print(pp.get(), pp instanceof P, pp.constructor === P);
//# constructor-returns-object
function Q() { this.a = 1; return { b: 2 }; }
var qq = new Q();
print(qq.a, qq.b);
//# constructor-returns-primitive
function R() { this.a = 1; return 5; }
print(new R().a);
//# constructor-no-parens
function S() { this.v = 's'; }
var ss = new S;
print(ss.v);
