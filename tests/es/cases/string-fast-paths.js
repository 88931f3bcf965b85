// The fast paths of cheaper strings (issue 8): static strings for small integers (conv.c),
// shortest digits by bisection (conv.c), toString(radix) of integers by integer division and
// ASCII results of Number methods (lib_number.c), case mapping of ASCII strings in one copy
// (lib_string.c), indexOf of 8-bit strings by memmem and whole-string appends to a builder
// (str.c), string bodies that are not zeroed (heap.c). Each case also runs its general path.
//# small-int-strings
var r = [];
for (var i = -2; i < 1030; i += 53) r.push('' + i, String(i + 0.5), i + '|');
r.push(String(-0), '' + 1023, '' + 1024, 1023 + 1, (1023).toString(), (7).toString(2));
var o = {}; o[5] = 'a'; o['5'] = o['5'] + 'b'; o[1023] = 1; o[1024] = 2;
for (var k in o) r.push(k + '=' + o[k]);
var a = []; for (var j = 0; j < 12; j++) a[j * 97] = j;
r.push(a.length, a[97], a[1067], a.join('').length);
print(r.join(' '));
//# small-int-string-identity
var s = String(42), t = 40 + 2 + '';
print(s === t, s == '42', s.length, (s + t).length, s.charCodeAt(1), typeof s);
//# shortest-digits
var r = [];
var xs = [0.1, 0.2, 0.3, 1 / 3, 2 / 3, 0.1 + 0.2, 1e-7, 1.5e-7, 123456789.125, 9007199254740991.5,
	  4503599627370496.5, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 1e21, 1e20 + 1,
	  123e-20, 0.000001, 0.0000001, 100 / 7, 1e15 / 7, 1e16 / 7, Math.PI, Math.E, -1 / 7];
for (var i = 0; i < xs.length; i++) r.push(String(xs[i]));
for (var k = 1; k < 60; k++) r.push(String((k * 37 + 3) / 7), String(k / 1024 + k), String(k * 1e10 / 7 + 0.5));
print(r.join(' '));
//# radix-integers
var r = [];
var ns = [0, 1, 15, 16, 255, 1023, 65535, 4294967296, 9007199254740991, 9007199254740992,
	  1e21, 123.5, 0.5, -255, -0.25, 1e300];
for (var i = 0; i < ns.length; i++)
	r.push(ns[i].toString(16), ns[i].toString(2).length, ns[i].toString(36), ns[i].toString(7));
print(r.join(' '));
//# number-methods-ascii
var r = [];
var ns = [0, 1.005, 123.456, -0.5, 1e21, 2.5, 1.25, 9.995, 5e-7];
for (var i = 0; i < ns.length; i++)
	r.push(ns[i].toFixed(2), ns[i].toPrecision(4), ns[i].toExponential(3), ns[i].toFixed(0));
print(r.join(' '), typeof (1).toFixed(1), (1.5).toFixed(1).length);
//# case-mapping
var ss = ['', 'abc', 'ABC', 'Hello, World! 09 @[`{', 'mixed\u00e9case', '\u00ff\u00b5x',
	  '\u03c3\u03a3x\u03c2', 'already UPPER 1', 'already lower 1', 'a\u0100b', 'z{a`'];
var r = [];
for (var i = 0; i < ss.length; i++) {
	var u = ss[i].toUpperCase(), l = ss[i].toLowerCase();
	r.push(u, l, u.length, l.length, u === ss[i], l.toUpperCase() === u);
}
r.push(String.prototype.toUpperCase.call(12.5e3), String.prototype.toLowerCase.call(true));
print(r.join('|'));
//# index-of
var s = '', r = [];
for (var i = 0; i < 60; i++) s += 'item' + i + ',';
var pats = ['item1', 'item17', 'item59,', ',', '', 'x', s, s + 'x', 'm5', '\u0100'];
for (var i = 0; i < pats.length; i++)
	r.push(s.indexOf(pats[i]), s.indexOf(pats[i], 10), s.indexOf(pats[i], -5),
	       s.indexOf(pats[i], s.length), s.indexOf(pats[i], s.length + 3), s.lastIndexOf(pats[i]));
var w = s + '\u0100' + s;
r.push(w.indexOf('item3'), w.indexOf('\u0100'), w.indexOf('item3', 300), w.indexOf('\u0100i'));
r.push('aaa'.indexOf('aa', 1), 'aaa'.indexOf('aa', 2), ''.indexOf(''), ''.indexOf('', 3), 'ab'.indexOf('', 5));
print(r.join(' '));
//# join-builders
var a = [], b = [];
for (var i = 0; i < 40; i++) { a.push('p' + i); b.push(i % 3 ? 'q' + i : '\u0101' + i); }
var j1 = a.join('|'), j2 = b.join('\u2028'), j3 = a.concat(b).join(), j4 = [s1 = 'x', , null, 'y'].join('--');
var s1;
print(j1.length, j1.slice(0, 30), j2.length, j2.charCodeAt(0), j3.length, j4, [].join('x') === '');
//# strings-survive-collection
// many short strings made in one event, some kept: the pool reuses what the sweeper freed and
// the kept ones must keep their characters (bodies are not zeroed any more)
var keep = [], sum = 0;
for (var i = 0; i < 60000; i++) {
	var t = 'n' + i + ':' + (i * 7 % 1000) + (i % 2 ? 'odd' : 'even');
	sum += t.length;
	if (i % 5000 === 0) keep.push(t, t.toUpperCase(), String(i / 3));
}
print(sum, keep.join(','));
