// Issue 7: a recursion too deep is a RangeError (point 1), a lone surrogate in a string
// literal stays one code unit and the URI encoders refuse it with URIError (point 7, 15.1.3).
//# uri-lone-surrogate
try { encodeURIComponent('\uD800'); print('no error'); } catch (e) { print(e.name); }
try { encodeURI('a\uDFFFb'); print('no error'); } catch (e) { print(e.name); }
try { encodeURIComponent('\uD800x'); print('no error'); } catch (e) { print(e.name); }
//# string-lone-surrogate
print('\uD800'.length, '\uD800'.charCodeAt(0), 'x\uDC00y'.charCodeAt(1), 'x\uDC00y'.length);
print(encodeURIComponent('\uD83D\uDE00'), '\uD83D\uDE00'.length);
var o = {}; o['\uD800'] = 1; o['\uFFFD'] = 2;
print(o['\uD800'], o['\uFFFD'], '\uD800' === '\uFFFD');
//# recursion-too-deep
function f(n) { return f(n + 1) + 1; }
try { f(0); print('no error'); } catch (e) { print(e.name, e instanceof RangeError); }
function ping(n) { return pong(n + 1); }
function pong(n) { return ping(n + 1) * 2; }
try { ping(0); print('no error'); } catch (e) { print(e.name); }
//# nested-array-too-deep
var a = [];
for (var i = 0; i < 100000; i++) a = [a];
try { String(a); print('no error'); } catch (e) { print(e.name); }
//# recursion-after
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
print(fib(15));
