// `s.name(…)` for String.prototype's charAt, charCodeAt, indexOf, lastIndexOf, substring,
// substr, slice, toLowerCase, toUpperCase and trim: called directly while the session's
// String.prototype still has the built-in under that name (cx_sm_ok, stdlib/lib_string.c);
// any store into String.prototype or deletion from it makes the next call check again. Each
// site runs many times, before and after the change.
function at(s, i) { return s.charCodeAt(i); }
function ch(s, i) { return s.charAt(i); }
function all(s) {
  return [s.indexOf('b'), s.lastIndexOf('b', 3), s.substring(1, 3), s.substr(-2), s.slice(1, -1),
          s.toLowerCase(), s.toUpperCase(), s.trim()].join('|');
}
//# sm-charcodeat-positions
var s = 'aé\u0100z', r = [];
var pos = [0, 1, 2, 3, 4, -1, -0.5, 0.9, 3.99, 4.01, NaN, Infinity, -Infinity, 1e300, -1e300];
for (var i = 0; i < pos.length; i++) r.push(at(s, pos[i]));
r.push(s.charCodeAt(), s.charCodeAt('2'), s.charCodeAt(null), s.charCodeAt(true), s.charCodeAt({valueOf: function () { return 3; }}));
r.push(''.charCodeAt(0), 'abc'.charCodeAt(2 - 1));
print(r.join(','));
//# sm-all-methods
var r = [], w = ['  abcba  ', 'ABCb', 'x', '', '\u00c9b\u0130'];
for (var i = 0; i < w.length; i++) r.push(all(w[i]));
print(r.join(' / '));
//# sm-replaced-between-calls
var r = [];
for (var i = 0; i < 3; i++) r.push(at('abc', i));
var orig = String.prototype.charCodeAt;
String.prototype.charCodeAt = function (i) { return 'mine' + i + this; };
r.push(at('xyz', 1), 'q'.charCodeAt(0));
String.prototype.charCodeAt = orig;
r.push(at('xyz', 1));
String.prototype.charCodeAt = String.prototype.charAt; // another built-in under the name
r.push(at('xyz', 1));
String.prototype.charCodeAt = orig;
r.push(at('xyz', 2));
print(r.join(','));
//# sm-deleted-then-object
var r = [];
for (var i = 0; i < 3; i++) r.push(ch('abc', i));
var sv = String.prototype.charAt;
delete String.prototype.charAt;
Object.prototype.charAt = function (i) { return 'object:' + this + i; };
r.push(ch('cd', 1));
delete Object.prototype.charAt;
try { ch('ef', 0); } catch (e) { r.push(e.name); }
String.prototype.charAt = sv;
r.push(ch('gh', 1));
print(r.join(','));
//# sm-other-key-added-and-through-alias
var r = [], sp = String.prototype;
r.push(all('abcb'));
sp.startsWith2 = function (p) { return this.indexOf(p) === 0; }; // a polyfill: others stay
r.push(all('abcb'), 'abc'.startsWith2('ab'));
sp['toUpperCase'] = function () { return 'UP!'; };
r.push(all('abcb'));
delete sp.toUpperCase; // Object.prototype has none: a TypeError named as written
try { 'x'.toUpperCase(); } catch (e) { r.push(e.name + ':' + (e.message.indexOf('toUpperCase') >= 0)); }
delete sp.startsWith2;
print(r.join(' / '));
//# sm-callee-read-before-arguments
// 11.2.3: the callee is read before the arguments are evaluated; an argument that replaces the
// method does not change which function this call runs, and the next call sees the new one.
var r = [], orig = String.prototype.indexOf;
function swap() { String.prototype.indexOf = function () { return 'new'; }; return 'b'; }
r.push('abc'.indexOf(swap()));
r.push('abc'.indexOf('b'));
String.prototype.indexOf = orig;
r.push('abc'.indexOf('c'));
var o = 'abc';
r.push(o.lastIndexOf((String.prototype.lastIndexOf = function () { return 'l'; }, 'c')));
r.push(o.lastIndexOf('c'));
delete String.prototype.lastIndexOf;
try { o.lastIndexOf('c'); } catch (e) { r.push(e.name); }
print(r.join(','));
//# sm-receivers-not-strings
// The same sites with other receivers: a String object, an array, an object with the names,
// numbers (their prototype has none), undefined and null (TypeError).
function sl(x) { return x.slice(1, 2); }
function io(x) { return x.indexOf(2); }
var r = [];
r.push(sl('abc'), sl(new String('abc')), sl([1, 2, 3]).join(), sl({slice: function (a, b) { return a + b; }}));
r.push(io('a2'), io([1, 2, 3]), io(new String('x2')));
try { sl(5); } catch (e) { r.push(e.name); }
try { sl(undefined); } catch (e) { r.push(e.name); }
try { sl(null); } catch (e) { r.push(e.name); }
Number.prototype.slice = function () { return 'num'; };
r.push(sl(5));
delete Number.prototype.slice;
print(r.join(','));
//# sm-this-and-arguments-conversions
var r = [], calls = 0;
var n = {toString: function () { calls++; return '1'; }};
r.push('abc'.charAt(n), 'abc'.substring(n, {valueOf: function () { calls++; return 3; }}), calls);
r.push('abc'.indexOf(), 'undefined!'.indexOf(), 'abc'.substr(1), 'abc'.slice());
try { 'abc'.charAt({valueOf: function () { throw new Error('in valueOf'); }}); } catch (e) { r.push(e.message); }
print(r.join(','));
