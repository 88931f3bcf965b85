// Exceptions the language raises, and their types (ES3 8.7, 11, 15.11).
//# ref-error-undeclared-read
try { undeclaredName42; } catch (e) { print(e.name, e instanceof ReferenceError); }
//# type-error-call-number
try { var x = 5; x(); } catch (e) { print(e.name); }
//# type-error-call-string
try { 'str'(); } catch (e) { print(e.name); }
//# type-error-call-null
try { var x = null; x(); } catch (e) { print(e.name); }
//# type-error-member-of-null
try { null.f; } catch (e) { print(e.name); }
//# type-error-member-of-undefined-call
try { var u; u.f(); } catch (e) { print(e.name); }
//# type-error-new-string
try { new 'abc'(); } catch (e) { print(e.name); }
//# type-error-instanceof-rhs
try { 1 instanceof 2; } catch (e) { print(e.name); }
//# type-error-in-rhs
try { 'x' in 5; } catch (e) { print(e.name); }
//# range-error-array-length
try { new Array(-1); } catch (e) { print(e.name); }
//# range-error-array-length-set
try { var a = []; a.length = 1.5; } catch (e) { print(e.name); }
//# range-error-tostring-radix
try { (10).toString(1); } catch (e) { print(e.name); }
//# range-error-toFixed
// ES3 15.7.4.5: fractionDigits outside 0..20 is a RangeError (node allows up to 100)
//! es3: RangeError
try { (1).toFixed(30); } catch (e) { print(e.name); }
//# uri-error
try { decodeURIComponent('%'); } catch (e) { print(e.name); }
//# eval-error-eval-call
// ES3 + ECMA-327: the compact profile leaves eval out; calling it throws EvalError
//! es3: EvalError
try { eval('1'); print('evaluated'); } catch (e) { print(e.name); }
//# type-error-valueOf-toString-objects
try { var o = { valueOf: function () { return {}; }, toString: function () { return {}; } }; String(o); } catch (e) { print(e.name); }
//# type-error-string-method-generic
try { String.prototype.toString.call({}); } catch (e) { print(e.name); }
//# type-error-number-method-generic
try { Number.prototype.valueOf.call('5'); } catch (e) { print(e.name); }
//# type-error-boolean-method-generic
try { Boolean.prototype.toString.call(1); } catch (e) { print(e.name); }
//# type-error-function-call-on-object
try { Function.prototype.call.call({}); } catch (e) { print(e.name); }
//# user-throw-error-types
var types = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError], r = [];
for (var i = 0; i < types.length; i++) { try { throw new types[i]('m'); } catch (e) { r.push(e.name + '/' + (e instanceof types[i]) + '/' + e.message); } }
print(r.join(' '));
//# error-message-default-empty
print('[' + new Error().message + ']', new Error(undefined).message === '');
//# error-message-converted
print(new Error(42).message, typeof new Error(42).message);
//# error-prototype-chain
print(Object.getPrototypeOf === undefined ? 'es3' : 'es3', TypeError.prototype instanceof Error, Error.prototype.name);
//# catch-then-continue
var r = []; for (var i = 0; i < 3; i++) { try { if (i == 1) null.x; r.push(i); } catch (e) { r.push(e.name); } } print(r.join());
//# exception-through-native-callback
try { [3, 1, 2].sort(function () { throw 'cmp'; }); } catch (e) { print(e); }
//# exception-through-valueOf
try { var o = { valueOf: function () { throw 'vo'; } }; o + 1; } catch (e) { print(e); }
//# exception-through-toString-key
try { var k = { toString: function () { throw 'ts'; } }; var o = {}; o[k]; } catch (e) { print(e); }
//# exception-from-constructor
function C() { throw 'ctor'; } try { new C(); } catch (e) { print(e); }
//# exception-from-getter-like-call
var o = { m: function () { throw new RangeError('r'); } }; try { o.m(); } catch (e) { print(e.name, e.message); }
//# exception-arg-evaluation-order
var log = []; function a() { log.push('a'); return 1; } function b() { log.push('b'); throw 'B'; } function c() { log.push('c'); }
try { (function () {})(a(), b(), c()); } catch (e) { log.push(e); } print(log.join());
//# exception-assign-not-done
var x = 1; function t() { throw 'no'; } try { x = t(); } catch (e) {} print(x);
//# exception-in-condition
try { if (null.x) print('no'); } catch (e) { print('cond threw', e.name); }
//# exception-in-loop-header
var i = 0; try { for (; i < 10 && (i < 3 || undefinedThing); i++); } catch (e) { print(i, e.name); }
//# exception-compound-assign
var o = {}; try { o.x += undefinedY; } catch (e) { print(e.name, 'x' in o); }
//# exception-deep-recursion-caught
function r(n) { if (n === 0) throw 'bottom'; return r(n - 1); } try { r(500); } catch (e) { print(e); }
//# throw-string-number-bool
var r = []; var vs = ['s', 3, false, null]; for (var i = 0; i < vs.length; i++) { try { throw vs[i]; } catch (e) { r.push(typeof e + ':' + e); } } print(r.join(' '));
//# error-instances-distinct
var a = new TypeError('a'), b = new TypeError('b'); print(a === b, a.message, b.message);
//# error-constructor-props
print(typeof Error.prototype.toString, Error.prototype.message === '', new Error('x').hasOwnProperty('message'));
//# typeerror-assign-to-null-prop
try { var n = null; n.p = 1; } catch (e) { print(e.name); }
