// Statements: loops, labels, break/continue, switch, try/catch/finally completions (ES3 12).
//# for-basic
var s = 0; for (var i = 0; i < 10; i++) s += i; print(s);
//# for-empty-parts
var i = 0; for (;;) { if (++i > 4) break; } print(i);
//# for-comma
for (var i = 0, j = 10; i < j; i++, j--) ; print(i, j);
//# while-basic
var n = 0; while (n < 7) n++; print(n);
//# do-while-runs-once
var n = 10; do { n++; } while (n < 5); print(n);
//# do-while-continue
var i = 0, s = ''; do { i++; if (i == 2) continue; s += i; } while (i < 4); print(s);
//# break-inner-only
var r = ''; for (var i = 0; i < 3; i++) { for (var j = 0; j < 3; j++) { if (j == 1) break; r += i + '' + j + ' '; } } print(r);
//# continue-inner
var r = ''; for (var i = 0; i < 3; i++) { if (i == 1) continue; r += i; } print(r);
//# labelled-break-outer
var r = ''; outer: for (var i = 0; i < 3; i++) { for (var j = 0; j < 3; j++) { if (j == 2) break outer; r += i + '' + j + ' '; } } print(r);
//# labelled-continue-outer
var r = ''; outer: for (var i = 0; i < 3; i++) { for (var j = 0; j < 3; j++) { if (j == 1) continue outer; r += i + '' + j + ' '; } } print(r);
//# labelled-block
var r = 'a'; blk: { r += 'b'; if (r) break blk; r += 'c'; } print(r);
//# labelled-nested-labels
var r = ''; a: b: for (var i = 0; i < 5; i++) { if (i == 3) break a; if (i == 1) continue b; r += i; } print(r);
//# labelled-while-continue
var i = 0, r = ''; L: while (i < 5) { i++; if (i % 2) continue L; r += i; } print(r);
//# labelled-if
var r = 1; L: if (true) { r = 2; break L; } print(r);
//# switch-basic
function sw(x) { switch (x) { case 1: return 'one'; case 2: return 'two'; default: return 'other'; } }
print(sw(1), sw(2), sw(3), sw('1'));
//# switch-fallthrough
function sw(x) { var r = ''; switch (x) { case 1: r += 'a'; case 2: r += 'b'; break; case 3: r += 'c'; } return r; }
print(sw(1), sw(2), sw(3), sw(4));
//# switch-default-middle
function sw(x) { var r = ''; switch (x) { case 1: r += '1'; default: r += 'd'; case 2: r += '2'; } return r; }
print(sw(1), sw(2), sw(9));
//# switch-strict-compare
function sw(x) { switch (x) { case 0: return 'zero'; case '0': return 'str'; case null: return 'null'; case undefined: return 'undef'; } return 'none'; }
print(sw(0), sw('0'), sw(null), sw(undefined), sw(false));
//# switch-expression-cases
var k = 3; function sw(x) { switch (x) { case k - 1: return 'k-1'; case k: return 'k'; case k + 1: return 'k+1'; } return '-'; }
print(sw(2), sw(3), sw(4), sw(5));
//# switch-case-eval-order
var log = ''; function c(v) { log += v; return v; }
switch (2) { case c(1): log += 'A'; case c(2): log += 'B'; case c(3): log += 'C'; }
print(log);
//# switch-continue-in-loop
var r = ''; for (var i = 0; i < 4; i++) { switch (i) { case 1: continue; case 2: r += 'two'; break; default: r += i; } r += ','; } print(r);
//# switch-empty
switch (1) {} print('ok');
//# switch-nan
switch (NaN) { case NaN: print('matched'); break; default: print('default'); }
//# switch-labelled-break
var r = ''; L: for (var i = 0; i < 3; i++) { switch (i) { case 1: break L; default: r += i; } } print(r);
//# try-catch-basic
try { throw 1; } catch (e) { print('caught', e); }
//# try-finally-order
var r = ''; try { r += 't'; } finally { r += 'f'; } print(r);
//# try-catch-finally-order
var r = ''; try { r += 't'; throw 0; } catch (e) { r += 'c'; } finally { r += 'f'; } print(r);
//# finally-overrides-return
function f() { try { return 'try'; } finally { return 'finally'; } } print(f());
//# finally-return-value-kept
function f() { var x = 1; try { return x; } finally { x = 2; } } print(f());
//# finally-runs-on-return
var r = ''; function f() { try { return 'v'; } finally { r += 'F'; } } print(f(), r);
//# finally-on-break
var r = ''; for (var i = 0; i < 3; i++) { try { if (i == 1) break; r += i; } finally { r += 'f'; } } print(r);
//# finally-on-continue
var r = ''; for (var i = 0; i < 3; i++) { try { if (i == 1) continue; r += i; } finally { r += 'f'; } } print(r);
//# finally-swallows-throw-by-return
function f() { try { throw 'x'; } finally { return 'ok'; } } print(f());
//# finally-swallows-throw-by-break
var r = 'start'; for (;;) { try { throw 'x'; } finally { r += '-broke'; break; } } print(r);
//# nested-finally-order
var r = ''; function f() { try { try { return 'a'; } finally { r += '1'; } } finally { r += '2'; } } print(f(), r);
//# rethrow
try { try { throw 'inner'; } catch (e) { throw e + '!'; } } catch (e2) { print(e2); }
//# throw-from-finally-replaces
try { try { throw 'a'; } finally { throw 'b'; } } catch (e) { print(e); }
//# catch-scope-local
var e = 'outer'; try { throw 'inner'; } catch (e) { e = 'changed'; } print(e);
//# catch-var-is-not-function-var
function f() { try { throw 1; } catch (q) { } return typeof q; } print(f());
//# catch-nested-same-name
try { throw 'a'; } catch (e) { try { throw 'b'; } catch (e) { print(e); } print(e); }
//# catch-var-closure-in-loop
var fs = []; for (var i = 0; i < 2; i++) { try { throw i; } catch (e) { fs.push(function () { return e; }); } } print(fs[1]());
//# catch-var-closure-later-call
function mk() { try { throw 'X'; } catch (err) { return function () { return 'got ' + err; }; } } print(mk()());
//# catch-var-closure-nested-fn
function mk() { try { throw 5; } catch (v) { return function () { return function () { return v * 2; }; }; } } print(mk()()());
//# catch-var-closure-each-iteration
// ES3 12.14: each execution of a catch clause has its own variable, seen by its closures
var fs = []; for (var i = 0; i < 3; i++) { try { throw i; } catch (e) { fs.push(function () { return e; }); } } print(fs[0](), fs[1](), fs[2]());
//# catch-var-closure-each-iteration-write
var fs = []; for (var i = 0; i < 2; i++) { try { throw 'e' + i; } catch (e) { fs.push(function (v) { if (v) e = v; return e; }); } }
fs[0]('set'); print(fs[0](), fs[1]());
//# catch-var-closure-nested-catches
function g() { var a = [], x = 'x';
  for (var j = 0; j < 2; j++) { try { throw 'o' + j; } catch (e) { try { throw 'i' + j; } catch (f) { a.push(function () { return e + f + x; }); a.push(function () { e = 'E'; return e; }); } a.push(function () { return e; }); } }
  return [a[0](), a[2](), a[1](), a[0](), a[2](), a[3](), a[5]()].join(); } print(g());
//# catch-var-closure-deep
function h(p) { try { throw p; } catch (e) { return (function () { var q = 1; return (function () { return e + p + q; })(); })(); } } print(h(4));
//# catch-var-closure-and-own-use
var fs = []; for (var i = 0; i < 2; i++) { try { throw i; } catch (e) { e = e * 10; fs.push(function () { return e; }); e++; } } print(fs[0](), fs[1]());
//# catch-var-closure-assign
function mk() { var g; try { throw 1; } catch (v) { g = function () { v++; return v; }; } return g; } var g = mk(); g(); print(g());
//# throw-object
try { throw { code: 42 }; } catch (e) { print(e.code); }
//# throw-undefined
try { throw undefined; } catch (e) { print(typeof e); }
//# throw-in-function-unwinds
function a() { throw 'deep'; } function b() { a(); return 'no'; } try { b(); } catch (e) { print(e); }
//# loop-with-try-many
var s = 0; for (var i = 0; i < 100; i++) { try { if (i % 3 == 0) throw i; s += 1; } catch (e) { s += 100; } } print(s);
//# for-in-basic
var o = { a: 1, b: 2, c: 3 }, r = ''; for (var k in o) r += k + o[k]; print(r);
//# for-in-order-insertion
var o = {}; o.z = 1; o.a = 2; o.m = 3; var r = []; for (var k in o) r.push(k); print(r.join());
//# for-in-skips-dontenum
var r = []; for (var k in {}) r.push(k); print(r.length);
//# for-in-inherited
function P() { this.own = 1; } P.prototype.inh = 2; var r = []; for (var k in new P()) r.push(k); print(r.join());
//# for-in-shadowed-once
function P() { this.x = 1; } P.prototype.x = 2; var r = []; for (var k in new P()) r.push(k); print(r.join());
//# for-in-array
var a = ['x', 'y']; a.extra = 1; var r = []; for (var k in a) r.push(k); print(r.join());
//# for-in-null-undefined
var n = 0; for (var k in null) n++; for (var k2 in undefined) n++; print(n);
//# for-in-string-object
var r = []; for (var k in new String('ab')) r.push(k); print(r.join());
//# for-in-deleted-during
var o = { a: 1, b: 2, c: 3 }, r = []; for (var k in o) { if (k == 'a') delete o.b; r.push(k); } print(r.join());
//# for-in-lhs-member
var o = { p: 1, q: 2 }, t = {}, r = []; for (t.k in o) r.push(t.k); print(r.join());
//# for-in-break
var o = { a: 1, b: 2, c: 3 }, r = ''; for (var k in o) { if (k == 'b') break; r += k; } print(r);
//# for-in-number-keys-order
var o = {}; o.b = 1; o[2] = 1; o.a = 1; o[1] = 1; var r = []; for (var k in o) r.push(k); print(r.join());
//# for-in-typeof-key
for (var k in [5]) print(typeof k);
//# if-else-chain
function f(x) { if (x < 0) return 'neg'; else if (x == 0) return 'zero'; else return 'pos'; } print(f(-1), f(0), f(1));
//# dangling-else
var r = ''; if (true) if (false) r = 'a'; else r = 'b'; print(r);
//# comma-operator
var x = (1, 2, 3); print(x);
//# empty-statement
;;; print('fine');
//# block-no-scope
{ var inblock = 5; } print(inblock);
//# asi-return
function f() { return
42; } print(f());
//# asi-lines
var a = 1
var b = 2
print(a + b)
//# nested-loops-count
var c = 0; for (var i = 0; i < 20; i++) for (var j = 0; j < 20; j++) if ((i + j) % 7 == 0) c++; print(c);
//# while-false
var x = 0; while (false) x++; print(x);
//# do-while-break
var i = 0; do { if (i == 3) break; i++; } while (true); print(i);
//# conditional-chain
var x = 5; print(x > 3 ? x > 4 ? 'big' : 'mid' : 'small');
//# logical-values
print(0 || 'a', 1 && 'b', '' || null, null && 1, NaN || 0);
//# logical-short-circuit
var n = 0; function inc() { n++; return true; } false && inc(); true || inc(); true && inc(); print(n);
