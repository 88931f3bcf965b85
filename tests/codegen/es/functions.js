function add(a, b) { return a + b; }
p(add(1, 2)); p(add('x', 'y')); p(add(1));
function counter() { var c = 0; return function () { return ++c; }; }
var c1 = counter(), c2 = counter(); c1(); c1(); p(c1()); p(c2());
var fact = function f(n) { return n <= 1 ? 1 : n * f(n - 1); }; p(fact(10));
function args() { return arguments.length + ':' + arguments[0]; } p(args('a', 'b', 'c'));
p(hoisted()); function hoisted() { return 'hoisted'; }
function outer() { var x = 1; function inner() { return x + 10; } x = 5; return inner(); } p(outer());
function mk(n) { var fs = []; for (var i = 0; i < n; i++) fs.push(function () { return i; }); return fs; } p(mk(3)[0]());
function deep() { var a = 1; return function () { var b = 2; return function () { return a + b; }; }; } p(deep()()());
function thisTest() { return this === undefined ? 'u' : typeof this; } p(thisTest());
var obj = {m: function () { return this.k; }, k: 'K'}; p(obj.m());
function rec(n) { return n == 0 ? 0 : 1 + rec(n - 1); } p(rec(100));
function noret() { } p(noret());
function pv(a) { a = 5; return a; } p(pv(1));
