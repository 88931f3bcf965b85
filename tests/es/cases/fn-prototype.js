// A compiled function's own `prototype` (13.2) is made when it is first read (stdlib/obj.c,
// cx_lazy__proto) and is DontEnum, as in ES5 and every engine (docs/decisions.md, "A function's
// prototype"). These cases read it every way there is, before and after it was made.
//# fn-proto-not-enumerable
function f() {}
f.a = 1;
var ks = []; for (var k in f) ks.push(k);
print(ks.join(',') + '|' + Object.keys(f).join(',') + '|' + f.propertyIsEnumerable('prototype') +
      '|' + f.hasOwnProperty('prototype'));
//# fn-proto-made-once
function g() {}
var p1 = g.prototype, p2 = g.prototype;
print((p1 === p2) + ' ' + (p1.constructor === g) + ' ' + typeof p1 + ' ' +
      Object.prototype.hasOwnProperty.call(p1, 'constructor') + ' ' + p1.propertyIsEnumerable('constructor') +
      ' ' + (Object.getPrototypeOf(p1) === Object.prototype));
//# fn-proto-new-first
function P(x) { this.x = x; }
var o = new P(3);
print((Object.getPrototypeOf(o) === P.prototype) + ' ' + (o.constructor === P) + ' ' + (o instanceof P) + ' ' + o.x);
//# fn-proto-instanceof-first
function Q() {}
var q = {};
print((q instanceof Q) + ' ' + (new Q() instanceof Q) + ' ' + (Q.prototype.constructor === Q));
//# fn-proto-written-before-read
function R() {}
R.prototype = { k: 'mine' };
var r = new R();
print(r.k + ' ' + (r.constructor === Object) + ' ' + (R.prototype.k));
function R2() {}
R2.prototype = 7;
print(Object.getPrototypeOf(new R2()) === Object.prototype);
//# fn-proto-dontdelete
function S() {}
var d1 = delete S.prototype;
print(d1 + ' ' + typeof S.prototype + ' ' + (S.prototype.constructor === S));
function S2() {}
S2.prototype.m = function () { return 'm'; };
print(new S2().m() + ' ' + delete S2.prototype + ' ' + S2.prototype.hasOwnProperty('m'));
//# fn-proto-closures-distinct
var fs = [];
for (var i = 0; i < 5; i++) fs.push(function () { return i; });
var same = 0;
for (var i = 1; i < 5; i++) if (fs[i].prototype === fs[0].prototype) same++;
var back = 0;
for (var i = 0; i < 5; i++) if (fs[i].prototype.constructor === fs[i]) back++;
print(same + ' ' + back + ' ' + (new fs[3]() instanceof fs[3]) + ' ' + (new fs[3]() instanceof fs[2]));
//# fn-proto-bound-and-builtins
function B() {}
var bb = B.bind(null);
print(typeof bb.prototype + ' ' + bb.hasOwnProperty('prototype') + ' ' + (new bb() instanceof B) +
      ' ' + typeof Math.max.prototype + ' ' + (typeof Array.prototype));
//# fn-proto-json-and-in
function J() {}
J.x = 1;
print(JSON.stringify({ f: J, a: [J] }) + ' ' + ('prototype' in J) + ' ' + ('constructor' in J.prototype));
//# fn-proto-many-closures
// many functions, some prototypes made, collections in between (the suite also runs this with
// CX_GC_STRESS=1): each made prototype stays that function's
var keep = [], made = [];
for (var i = 0; i < 3000; i++) {
  var h = (function (n) { return function () { return n; }; })(i);
  if (i % 7 === 0) { h.prototype.tag = 'p' + i; made.push(h); }
  if (i % 100 === 0) keep.push(h);
  var junk = []; for (var j = 0; j < 10; j++) junk.push('x' + j + i);
}
var ok = 0;
for (var i = 0; i < made.length; i++)
  if (made[i].prototype.tag === 'p' + made[i]() && made[i].prototype.constructor === made[i]) ok++;
var ok2 = 0;
for (var i = 0; i < keep.length; i++)
  if (keep[i].prototype.constructor === keep[i]) ok2++;
print(made.length + ' ' + ok + ' ' + keep.length + ' ' + ok2);
