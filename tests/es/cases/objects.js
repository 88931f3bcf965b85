// Objects, properties, prototypes, constructors, delete, in, instanceof (ES3 8.6, 11.2, 13.2, 15.2).
//# literal-props
var o = { a: 1, 'b c': 2, 3: 'three' }; print(o.a, o['b c'], o[3], o['3']);
//# property-add-read
var o = {}; o.x = 1; o['y'] = 2; print(o.x + o.y);
//# missing-property
var o = {}; print(o.nope, typeof o.nope);
//# numeric-key-string
var o = {}; o[1.5] = 'a'; o[1e21] = 'b'; print(o['1.5'], o['1e+21']);
//# object-key-tostring
var k = { toString: function () { return 'kk'; } }; var o = {}; o[k] = 5; print(o.kk);
//# nested-objects
var o = { a: { b: { c: 'deep' } } }; print(o.a.b.c);
//# prop-on-primitive-read
print('abc'.length, (5).constructor === Number, true.toString());
//# prop-on-primitive-write-lost
var s = 'abc'; s.x = 1; print(s.x);
//# null-member-throws
try { var n = null; n.x; } catch (e) { print(e.name); }
//# undefined-member-throws
try { var u; u.x = 1; } catch (e) { print(e.name); }
//# delete-own
var o = { a: 1, b: 2 }; print(delete o.a, 'a' in o, o.b);
//# delete-missing
var o = {}; print(delete o.zz);
//# delete-var-false
var v = 1; print(delete v, v);
//# delete-inherited-noop
function P() {} P.prototype.x = 1; var p = new P(); print(delete p.x, p.x);
//# delete-array-element
var a = [1, 2, 3]; delete a[1]; print(a.length, a[1], 1 in a);
//# delete-non-reference
print(delete 5);
//# delete-builtin-dontdelete
print(delete Math.PI, typeof Math.PI);
//# in-operator
var o = { a: undefined }; print('a' in o, 'b' in o, 'toString' in o);
//# in-array
var a = [5, 6]; print(0 in a, 2 in a, 'length' in a);
//# in-non-object-throws
try { 'a' in 'abc'; } catch (e) { print(e.name); }
//# instanceof-basic
function A() {} function B() {} var a = new A(); print(a instanceof A, a instanceof B, a instanceof Object);
//# instanceof-inheritance
function A() {} function B() {} B.prototype = new A(); var b = new B(); print(b instanceof A, b instanceof B);
//# instanceof-primitive
print(5 instanceof Number, 'x' instanceof String, new Number(5) instanceof Number);
//# instanceof-non-callable-throws
try { ({}) instanceof {}; } catch (e) { print(e.name); }
//# instanceof-builtins
print([] instanceof Array, [] instanceof Object, function () {} instanceof Function, {} instanceof Function);
//# prototype-chain-lookup
function A() {} A.prototype.hello = function () { return 'hi ' + this.n; }; var a = new A(); a.n = 'x'; print(a.hello());
//# prototype-shadowing
function A() {} A.prototype.v = 'proto'; var a = new A(), b = new A(); a.v = 'own'; print(a.v, b.v);
//# prototype-dynamic-update
function A() {} var a = new A(); A.prototype.late = 'late'; print(a.late);
//# prototype-replace-after-new
function A() {} var a = new A(); A.prototype = { x: 1 }; var b = new A(); print(a.x, b.x, a instanceof A, b instanceof A);
//# constructor-property
function A() {} var a = new A(); print(a.constructor === A, {}.constructor === Object, [].constructor === Array);
//# constructor-lost-on-replace
function A() {} A.prototype = {}; print(new A().constructor === Object);
//# inheritance-pattern
function Animal(n) { this.name = n; } Animal.prototype.speak = function () { return this.name + ' makes a sound'; };
function Dog(n) { Animal.call(this, n); } Dog.prototype = new Animal(); Dog.prototype.speak = function () { return this.name + ' barks'; };
var d = new Dog('Rex'); print(d.speak(), Animal.prototype.speak.call(d), d instanceof Animal);
//# hasOwnProperty
function A() { this.own = 1; } A.prototype.inh = 1; var a = new A(); print(a.hasOwnProperty('own'), a.hasOwnProperty('inh'));
//# isPrototypeOf
function A() {} var a = new A(); print(A.prototype.isPrototypeOf(a), Object.prototype.isPrototypeOf(a), a.isPrototypeOf(A));
//# propertyIsEnumerable
var o = { x: 1 }; print(o.propertyIsEnumerable('x'), o.propertyIsEnumerable('toString'), [].propertyIsEnumerable('length'));
//# object-toString
print(Object.prototype.toString.call([]), Object.prototype.toString.call({}), Object.prototype.toString.call(function () {}));
//# object-toString-wrappers
print(Object.prototype.toString.call(new String('')), Object.prototype.toString.call(new Number(1)), Object.prototype.toString.call(new Boolean(false)));
//# object-toString-errors-math
print(Object.prototype.toString.call(new Error('x')), Object.prototype.toString.call(Math));
//# object-constructor-call
var o = Object(); var p = new Object(); print(typeof o, typeof p, Object(null) !== null);
//# object-wraps-primitive
var n = Object(5); print(typeof n, n + 1, n instanceof Number);
//# object-returns-same
var o = {}; print(Object(o) === o, new Object(o) === o);
//# valueOf-used-by-arith
var o = { valueOf: function () { return 10; } }; print(o * 2, o + 1, o + '', o > 9);
//# toString-used-by-string
var o = { toString: function () { return 'S'; } }; print(String(o), o + '', 'x' + o);
//# valueOf-before-toString-in-plus
var o = { valueOf: function () { return 1; }, toString: function () { return 'two'; } }; print(o + 1, o + 'x', String(o));
//# toPrimitive-fallback-toString
var o = { valueOf: function () { return {}; }, toString: function () { return '7'; } }; print(o * 1);
//# toPrimitive-throws-typeerror
var o = { valueOf: function () { return {}; }, toString: function () { return {}; } }; try { o + 1; } catch (e) { print(e.name); }
//# equality-objects-identity
var a = {}, b = {}; print(a == b, a === a, a == a);
//# equality-object-primitive
var o = { valueOf: function () { return 3; } }; print(o == 3, o == '3', o === 3);
//# wrapper-equality
print(new String('a') == 'a', new String('a') == new String('a'), new Number(1) === 1);
//# boolean-wrapper-truthy
print(!!new Boolean(false), new Boolean(false) ? 'yes' : 'no');
//# object-with-numeric-like-names
var o = { '01': 'a', 1: 'b' }; print(o['01'], o[1], o['1']);
//# property-names-reserved-ish
var o = { 'class': 1, 'new': 2 }; print(o['class'] + o['new']);
//# method-chaining
var c = { n: 0, add: function (k) { this.n += k; return this; } }; print(c.add(1).add(2).add(3).n);
//# this-in-nested-function
var o = { m: function () { function inner() { return this === o; } return inner(); } }; print(o.m());
//# this-saved-self
var o = { v: 'V', m: function () { var self = this; return (function () { return self.v; })(); } }; print(o.m());
//# new-with-args-expressions
function P(a, b) { this.s = a + b; } print(new P(1, 2).s, new P('a', 'b').s);
//# new-member-constructor
var ns = { C: function (x) { this.x = x; } }; print(new ns.C(9).x);
//# new-non-constructor-throws
try { new 5; } catch (e) { print(e.name); }
//# new-object-not-callable
try { new ({})(); } catch (e) { print(e.name); }
//# call-non-function-throws
try { var o = {}; o.f(); } catch (e) { print(e.name); }
//# call-undefined-var-throws
try { notDefinedAnywhere(); } catch (e) { print(e.name); }
//# typeof-undeclared
print(typeof notDeclaredEither);
//# global-assign-undeclared
// CCXML 1.0 (8.x, variables): assigning a name never declared is an error, not a new global
//! es3: threw ReferenceError
function f() { implicitGlobal1 = 5; } f(); print(implicitGlobal1);
//# global-object-property
var g = (function () { return this; })(); g.viaGlobal = 'vg'; print(viaGlobal);
//# constructor-this-fresh
function C() { this.id = C.count = (C.count || 0) + 1; } var a = new C(), b = new C(); print(a.id, b.id);
//# prototype-method-shared
function C() {} C.prototype.m = function () { return 1; }; print(new C().m === new C().m);
//# object-as-map
var m = {}; var words = ['a', 'b', 'a', 'c', 'a']; for (var i = 0; i < words.length; i++) m[words[i]] = (m[words[i]] || 0) + 1; print(m.a, m.b, m.c);
//# function-is-object
function f() {} f.p = 1; f['q'] = 2; print(f.p + f.q, typeof f, f instanceof Object);
//# function-prototype-constructor
print(Function.prototype.constructor === Function, typeof Function.prototype);
//# call-apply-arguments
function f() { return arguments.length + ':' + Array.prototype.join.call(arguments, '-'); } print(f.apply(null, [1, 2, 3]), f.call(null, 'a'));
//# apply-with-arguments-object
function inner() { return arguments.length; } function outer() { return inner.apply(this, arguments); } print(outer(1, 2, 3, 4));
//# apply-null-args
function f() { return arguments.length; } print(f.apply(null), f.apply(null, null), f.apply(null, undefined));
//# apply-bad-args-throws
function f() {} try { f.apply(null, 5); } catch (e) { print(e.name); }
//# error-objects-props
var e = new Error('m'); print(e.message, e.name, e instanceof Error, typeof e);
//# error-toString
print(String(new Error('boom')), String(new TypeError('t')), String(new RangeError('')));
//# error-subclass-instanceof
print(new TypeError() instanceof Error, new SyntaxError() instanceof Error, new EvalError() instanceof TypeError);
//# error-called-as-function
var e = Error('x'); print(e instanceof Error, e.message);
//# error-name-prototype
print(TypeError.prototype.name, RangeError.prototype.name, URIError.prototype.name, ReferenceError.prototype.name);
//# error-custom
function MyErr(m) { this.message = m; } MyErr.prototype = new Error(); MyErr.prototype.name = 'MyErr';
try { throw new MyErr('mine'); } catch (e) { print(e.name, e.message, e instanceof Error, String(e)); }
