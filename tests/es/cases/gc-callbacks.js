// Built-ins that call script while they hold values of their own (stdlib C code). A callback may
// collect (CX_GC_STRESS=1 collects at every safe point; tests/es/run.sh runs these cases that way
// under ASan), and it may also drop every other reference to what the built-in made: a value the
// built-in keeps where the collector cannot see it is then freed under it.
function junk(n) { var a = []; for (var i = 0; i < (n || 50); i++) a.push({ i: i, s: 'j' + i }); return a.length; }
function noisy(v) { return { toString: function () { junk(); return String(v); }, valueOf: function () { junk(); return v; } }; }
//# json-plist-tojson
var o = { a: { toJSON: function () { junk(); return 'A'; } }, b: 2, c: [1, { toJSON: function () { junk(); return 'C'; } }] };
print(JSON.stringify(o, ['c', 'a', 'b']));
print(JSON.stringify(o, ['a', 'b', 'c'], 2));
//# json-gap-tojson
var gap = new String('----------xyz');
var o = { a: { toJSON: function () { junk(); return [1, 2]; } }, b: { c: { toJSON: function () { junk(); return {}; } } } };
print(JSON.stringify(o, null, gap));
print(JSON.stringify(o, null, new Number(3)));
//# json-replacer-fresh
var n = 0;
print(JSON.stringify({ a: 1, b: [1, 2], c: 'x' }, function (k, v) { junk(); n++; return typeof v === 'number' ? { w: [v, v + 1] } : v; }));
print(n);
//# json-parse-reviver
var t = JSON.parse('{"a":[1,2,{"b":3}],"c":{"d":[4]}}', function (k, v) { junk(); return typeof v === 'number' ? [v, 'x' + v] : v; });
print(JSON.stringify(t));
//# join-tostring
var a = [noisy(1), noisy('two'), [noisy(3), noisy(4)], null, noisy(5)];
print(a.join('+'));
print(a.join(noisy('|')));
print(String(a));
//# concat-split-slice
var s = 'a,b,c,d,e';
print(s.split(noisy(','), noisy(3)).join(';'));
print([1, 2, 3, 4, 5].slice(noisy(1), noisy(4)).join());
var b = [1, 2, 3, 4, 5, 6];
print(b.splice(noisy(1), noisy(2), 'x', 'y', 'z').join(), b.join());
print('abc'.concat(noisy('d'), noisy(1), noisy('e')));
//# string-methods-valueof
print('hello world'.indexOf(noisy('o'), noisy(5)), 'hello'.charAt(noisy(1)), 'hello'.substring(noisy(1), noisy(3)));
print('hello'.substr(noisy(1), noisy(2)), 'a-b-c'.replace(noisy('-'), noisy('+')), 'abc'.lastIndexOf(noisy('b')));
print(String.fromCharCode(noisy(72), noisy(105)), 'x'.charCodeAt(noisy(0)));
//# replace-fn-fresh
var r = 'a1b22c333'.replace(/\d+/g, function (m) { junk(); return '<' + m.length + '>'; });
print(r);
print('xyz'.replace('y', function () { junk(); return noisy('Y'); }));
//# sort-fresh
var a = []; for (var i = 0; i < 30; i++) a.push({ k: (i * 7) % 30, s: 'v' + i });
a.sort(function (x, y) { junk(5); return x.k - y.k; });
var out = []; for (var i = 0; i < a.length; i += 7) out.push(a[i].s);
print(out.join());
var b = [noisy(3), noisy(1), noisy(2)]; b.sort(); print(b.join());
//# number-conversions
print((12.345).toFixed(noisy(2)), (12.345).toPrecision(noisy(3)), (12.345).toExponential(noisy(1)));
print(parseInt(noisy('ff'), noisy(16)), parseFloat(noisy('1.5e3')), Number(noisy('42')) + 1, (255).toString(noisy(16)));
print(Math.max(noisy(3), noisy(9), noisy(4)), Math.pow(noisy(2), noisy(10)));
//# apply-call-fresh
function f() { junk(); var s = 0; for (var i = 0; i < arguments.length; i++) s += arguments[i]; return s; }
function g() { return f.apply(this, arguments); }
print(f.apply(null, [1, 2, 3, 4]), f.call(null, 5, 6), g(7, 8, 9));
//# regexp-valueof
var re = /a(b)?/g; re.lastIndex = noisy(2);
var m = re.exec('ab ab ab'); print(m.index, m[0], re.lastIndex);
print('x1y2'.match(/\d/g).join(), 'a b  c'.split(/\s+/).join('|'), new RegExp(noisy('a+'), noisy('g')).test('caa'));
//# constructors-valueof
var d = new Date(noisy(86400000)); print(d.getTime());
print(new Array(noisy(3)).length, new Error(noisy('boom')).message, Object(noisy(1)) instanceof Object);
//# errors-in-callbacks
var r = [];
try { JSON.stringify({ a: { toJSON: function () { junk(); throw new Error('tj'); } } }, ['a']); } catch (e) { r.push(e.message); }
try { [1, 2, 3].sort(function () { junk(); throw 'srt'; }); } catch (e) { r.push(e); }
try { [noisy(1), { toString: function () { junk(); throw 'js'; } }].join(); } catch (e) { r.push(e); }
print(r.join(','), junk());
