// String and array basics of the language (literals, escapes, length, indexing, core methods).
//# string-escapes
print('a\tb'.length, 'q\'q', "d\"d", '\x41\u0042', 'back\\slash');
//# string-escape-octal-like
print('\0'.charCodeAt(0), '\v'.charCodeAt(0), '\b'.charCodeAt(0), '\f'.charCodeAt(0));
//# string-line-continuation
var s = 'ab\
cd'; print(s, s.length);
//# string-unicode-length
print('\u00e9'.length, '\ud83d\ude00'.length, '\u20ac'.charCodeAt(0));
//# string-nonascii-literal
print('h\u00e9llo' === 'héllo', 'é'.charCodeAt(0), '日本'.length);
//# string-compare-code-units
print('a' < 'b', 'B' < 'a', 'abc' < 'abd', 'ab' < 'abc', '' < 'a', '10' < '9', '\u00e9' > 'z');
//# string-concat-numbers
print('1' + 2 + 3, 1 + 2 + '3', 1 + (2 + '3'));
//# string-index-out-of-range
print('abc'[5], 'abc'.charAt(5) === '', isNaN('abc'.charCodeAt(-1)));
//# string-methods-basic
var s = 'Hello, World'; print(s.indexOf('o'), s.lastIndexOf('o'), s.indexOf('zz'), s.substring(7), s.substring(5, 0), s.slice(-5), s.substr(1, 3));
//# string-case
print('MiXeD'.toLowerCase(), 'MiXeD'.toUpperCase());
//# string-split-string
print('a,b,,c'.split(',').length, 'abc'.split('').join('|'), 'a b c'.split(' ', 2).join('+'));
//# string-split-nosep
print('abc'.split().length, 'abc'.split()[0]);
//# string-replace-string
print('aXbXc'.replace('X', '-'), 'abc'.replace('b', '$&$&'));
//# string-fromCharCode
print(String.fromCharCode(72, 105), String.fromCharCode());
//# string-concat-method
print('a'.concat('b', 1, null));
//# string-immutability
var s = 'abc'; s[0] = 'z'; print(s);
//# string-object-vs-primitive
var s = new String('x'); print(typeof s, typeof 'x', s == 'x', s === 'x', s.length);
//# string-number-conversion-edge
print(Number(''), Number(' '), Number('\t\n12\n'), Number('1e3'), Number('.5'), Number('5.'), Number('+-1'), Number('0x1F'), Number('-0x1F'));
//# string-number-infinity
print(Number('Infinity'), Number('-Infinity'), Number('infinity'), Number('1e1000'), Number('-1e-1000'));
//# number-to-string-9.8.1
print(1e21, 1e20, 123456789012345680000, 0.000001, 0.0000001, 1.5e-7, 100, 1e-6, -1e-7, 2e-323);
//# number-to-string-more
print(0.1 + 0.2, 1 / 3, 2 / 3, 5e-324, 1.7976931348623157e308, 4.35, 0.5, 123.456, -0, 1e100);
//# number-to-string-integers
print(9007199254740992, 9007199254740993, 2147483648, -2147483649, 4294967296, 1234567890123);
//# number-literals
print(0x10, 0XfF, 1e3, 1E-3, .5, 5., 0.0, 017 === 15 || 017 === 17);
//# number-toString-radix
print((255).toString(16), (255).toString(2), (-255).toString(36), (0).toString(7), (35).toString(36));
//# number-arith-edge
print(1 / 0, -1 / 0, 0 / 0, 5 % 0, -5 % 2, 5.5 % 2, -0 === 0, 1 / -0);
//# number-int-ops
print(0x7fffffff + 1 | 0, 1 << 31, 1 << 32, -1 >>> 0, -1 >>> 28, 5 & 3, 5 | 3, 5 ^ 3, ~5);
//# number-precision
print(0.1 * 3, 9.95 * 100, 1.1 + 2.2, 3 * 1.1, 1e16 + 1);
//# array-literal-basics
var a = [1, 'two', null, undefined]; print(a.length, a[1], a[2], a[3], a);
//# array-holes-literal
var a = [1, , 3]; print(a.length, 1 in a, a);
//# array-trailing-comma
var a = [1, 2, ]; print(a.length);
//! es3: 2
//# array-length-grow
var a = []; a[5] = 'x'; print(a.length, a[0], a);
//# array-length-shrink
var a = [1, 2, 3, 4]; a.length = 2; print(a, a[3], a.length);
//# array-length-set-larger
var a = [1]; a.length = 3; print(a.length, a, 2 in a);
//# array-push-pop
var a = []; a.push(1); a.push(2, 3); var p = a.pop(); print(a, p, a.length);
//# array-shift-unshift
var a = [1, 2, 3]; var s = a.shift(); a.unshift(0, 0.5); print(s, a);
//# array-join
print([1, 2, 3].join('-'), [1, [2, 3]].join(';'), [null, undefined, 1].join(), [].join());
//# array-toString-nested
print(String([1, [2, [3, 4]], 5]), [] + [], [] + {}, [1] == 1);
//# array-slice
var a = [1, 2, 3, 4, 5]; print(a.slice(1, 3), a.slice(-2), a.slice(3, 1).length, a.slice());
//# array-splice
var a = [1, 2, 3, 4, 5]; var r = a.splice(1, 2, 'a', 'b', 'c'); print(r, a);
//# array-concat
print([1].concat([2, 3], 4, [[5]]).length, [1].concat([2, 3], 4, [[5]]));
//# array-reverse
print([1, 2, 3].reverse());
//# array-sort-default
print([10, 9, 1, 100].sort(), ['b', 'a', 'C'].sort());
//# array-sort-comparator
print([10, 9, 1, 100].sort(function (a, b) { return a - b; }));
//# array-sort-undefined-last
print([3, undefined, 1].sort());
//# array-indexOf
print([1, 2, 3, 2].indexOf(2), [1, 2, 3, 2].lastIndexOf(2), [1].indexOf('1'));
//# array-index-string-keys
var a = []; a['2'] = 'x'; a['02'] = 'y'; print(a.length, a[2], a['02']);
//# array-big-sparse
var a = []; a[1000000] = 1; print(a.length);
//# array-constructor
print(new Array(3).length, new Array(1, 2).length, new Array('3').length, Array(2).length);
//# array-is-object
print(typeof [], [] instanceof Array, Object.prototype.toString.call([]));
//# array-of-functions
var fs = [function () { return 1; }, function () { return 2; }]; print(fs[0]() + fs[1]());
//# array-nested-modify
var m = [[1, 2], [3, 4]]; m[1][0] = 9; print(m);
//# array-generic-methods-on-arguments
function f() { return Array.prototype.slice.call(arguments, 1); } print(f(1, 2, 3));
//# array-length-after-delete
var a = [1, 2, 3]; delete a[2]; print(a.length, a);
//# array-negative-index-is-property
var a = [1]; a[-1] = 'neg'; print(a.length, a[-1]);
//# array-join-cycle-free
var a = [1, 2]; a.push(a.length); print(a.join('+'));
//# string-methods-on-numbers
print(String.prototype.charAt.call(12345, 2), String.prototype.indexOf.call(12345, '3'));
//# string-trailing
print('abc'.substring(-1, 2), 'abc'.substr(-2), 'abc'.slice(1, -1));
//# string-case-nonascii
print('\u00e9'.toUpperCase() === '\u00c9', 'ß'.toLowerCase());
//# string-tostring-identity
var s = 'x'; print(s.toString() === s, s.valueOf() === s);
//# json-stringify-lone-surrogates
// a lone surrogate is escaped (as node), a pair kept as it is
print(JSON.stringify('\ud800'), JSON.stringify('a\udc00b'), JSON.stringify('\ud83d\ude00').length,
	JSON.stringify('\ud800\ud800\udc00\udc00'), JSON.stringify({'\udbff': '\udfff\ud800'}));
//# whitespace-unicode-spaces
// WhiteSpace is the Zs spaces of today's Unicode (U+180E left them in 6.3), for \s, trim and
// the number conversions alike
var z = [0x9, 0xb, 0xc, 0x20, 0xa0, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff, 0x180e, 0x200b, 0x85];
var r = [];
for (var i = 0; i < z.length; i++) {
	var c = String.fromCharCode(z[i]);
	r.push(z[i].toString(16) + ':' + (/\s/.test(c) ? 1 : 0) + c.trim().length + (Number(c + '5' + c) === 5 ? 1 : 0) + (parseFloat(c + '7') === 7 ? 1 : 0));
}
print(r.join(' '));
var sum = 0;
for (var c = 0; c < 65536; c++) if (/\s/.test(String.fromCharCode(c))) sum += c;
print(sum);
