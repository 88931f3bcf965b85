// The callee of o.name(…) (cx_getm_ic, stdlib/obj.c): a prototype's method tried first. Each
// site runs many times, so later calls go through what the first one cached; between them the
// prototype's method is replaced, shadowed, deleted or added nearer.
function cc(s, i) { return s.charCodeAt(i); }
function call(o) { return o.m(); }
function up(s) { return s.toUpperCase(); }
//# getm-string-method-replaced
var r = [];
for (var i = 0; i < 3; i++) r.push(cc('abc', i));
var orig = String.prototype.charCodeAt;
String.prototype.charCodeAt = function (i) { return 'mine' + i + this; };
r.push(cc('xyz', 1));
String.prototype.charCodeAt = orig; r.push(cc('xyz', 1));
print(r.join(','));
//# getm-string-method-deleted-then-object
var r = [];
for (var i = 0; i < 3; i++) r.push(up('ab' + i));
var sv = String.prototype.toUpperCase;
delete String.prototype.toUpperCase;
Object.prototype.toUpperCase = function () { return 'object:' + this; };
r.push(up('cd'));
delete Object.prototype.toUpperCase;
try { up('ef'); } catch (e) { r.push(e.name); }
String.prototype.toUpperCase = sv; r.push(up('gh'));
print(r.join(','));
//# getm-shadowed-by-own
function P() {} P.prototype.m = function () { return 'proto'; };
var small = new P(), big = new P(), r = [];
big.a = 1; big.b = 2; big.c = 3; big.d = 4; big.e = 5;
for (var i = 0; i < 3; i++) r.push(call(small), call(big));
small.m = function () { return 'own-small'; };
big.m = function () { return 'own-big'; };
r.push(call(small), call(big));
delete small.m; delete big.m; r.push(call(small), call(big));
print(r.join(','));
//# getm-nearer-proto-and-primitives
function A() {} A.prototype.m = function () { return 'A'; };
function B() {} B.prototype = new A();
var b = new B(), r = [];
for (var i = 0; i < 3; i++) r.push(call(b));
B.prototype.m = function () { return 'B'; }; r.push(call(b));
Number.prototype.m = function () { return 'num' + this; };
Boolean.prototype.m = function () { return 'bool' + this; };
String.prototype.m = function () { return 'str' + this; };
for (var i = 0; i < 2; i++) r.push(call(7), call(true), call('s'), call(b));
delete String.prototype.m; delete Number.prototype.m; delete Boolean.prototype.m;
try { call('s'); } catch (e) { r.push(e.name); }
try { call(null); } catch (e) { r.push(e.name); }
print(r.join(','));
//# getm-arrays
function push(a, v) { return a.push(v); }
var a = [], r = [];
for (var i = 0; i < 3; i++) r.push(push(a, i));
a.push = function (v) { return 'own push ' + v; }; r.push(push(a, 9));
delete a.push; r.push(push(a, 4), a.join(''));
Array.prototype.push = (function (p) { return function (v) { return 'patched ' + p.call(this, v); }; })(Array.prototype.push);
r.push(push([1], 2));
print(r.join(','));
