// Short cons strings (issue 8, point 3; stdlib/str.c "Cons strings"): a concatenation of 40 to
// 63 8-bit characters in a busy heap is a cons whose characters are gathered when needed. The
// helper below makes the heap busy first (its collections free enough short strings that the
// heap turns to pages, where cons strings are made), then each case reads a cons every way.
var warm = '';
for (var wi = 0; wi < 30000; wi++) warm = 'warm-' + wi + '-' + (wi * 7);
var X23 = '01234567890123456789012345678901234567'; // 38 characters: + 2 or more makes a cons
function id(v) { return v; }
//# cons-index-each-way
var x = id('XYZ'), c = X23 + x;
print(c, c.length, c.charCodeAt(0), c.charCodeAt(37), c.charCodeAt(38), c.charCodeAt(40), c.charCodeAt(41));
print(c.charAt(3), c.charAt(39), c[39], c[0], c[99], c.charCodeAt(-1), c.charCodeAt(1.7));
var d = c + id('tail'), e = id('head') + d;
print(e, e.length, e.charCodeAt(e.length - 1), e.charCodeAt(4), e.charCodeAt(46), e[43]);
//# cons-methods-and-compare
var c = X23 + id('XYZ'), d = c + id('tail');
print(d.toUpperCase(), d.toLowerCase(), d.slice(20), d.substring(2, 30), d.substr(-3), d.indexOf('XY'), d.lastIndexOf('1'));
print(c == '01234567890123456789012345678901234567XYZ', c === X23 + 'XYZ', c < d, c > 'a', d.split('5').length, [d, c].sort()[0] === c);
print(typeof c, String(c) === c, c.concat('!'), c.trim() === c, c.localeCompare(d) < 0);
//# cons-as-key
var c = X23 + id('XYZ'), d = id('key-') + X23, o = {};
o[c] = 1; o[d] = 2; o[c + 'q'] = 3;
print(o[X23 + 'XYZ'], o['key-' + X23], JSON.stringify(o));
var keys = []; for (var k in o) keys.push(k === c || k === d || k === c + 'q');
print(keys.join(), c in o, o.hasOwnProperty(d), delete o[c], c in o);
switch (c) { case '01234567890123456789012345678901234567XYZ': print('switch ok'); break; default: print('switch no'); }
//# cons-regexp-json-number
var c = X23 + id('XYZ'), n = id('                                      ') + '  42.5';
print(/(\d+)XYZ/.exec(c)[1], c.replace(/XYZ/, '!'), c.match(/1(2)/)[1], /^0\d+XYZ$/.test(c), c.search(/X/));
print(+n, parseInt(n), parseFloat(n), Number(n), n * 2, isNaN(n), JSON.stringify([c, n]), JSON.parse('"' + c + '"') === c);
print(escape(c + ' '), encodeURIComponent(c + '&'), new String(c).length, Object(c)[24]);
//# cons-wide-and-narrow
var c = X23 + id('XYZ'), w = c + '\u1234', v = '\u00e9' + c, z = id('\u0100') + X23 + 'abc';
print(w.length, w.charCodeAt(41), w.charCodeAt(40), escape(w), escape(v), v.charCodeAt(0), v.length, escape(z));
var y = c + z; print(y.length, y.charCodeAt(41), escape(y.slice(36, 46)));
//# cons-deep-chains
var s = ''; for (var i = 0; i < 200; i++) s += String.fromCharCode(97 + i % 26);
print(s.length, s.slice(60, 70), s.charCodeAt(199));
var t = id('abcdefghijklmnopqrstuvw'), parts = [];
for (var j = 0; j < 40; j++) { t = t + String.fromCharCode(65 + j); parts.push(t.charCodeAt(t.length - 1), t.length); }
print(t, parts.join());
var r = id('a'); for (var m = 0; m < 62; m++) r = String.fromCharCode(66 + m % 26) + r; print(r, r.charCodeAt(31));
var u = []; for (var q = 0; q < 3000; q++) u.push(X23 + q); print(u[2999], u[1234].charCodeAt(41), u.join('').length);
//# cons-kept-across-collections
var kept = [];
for (var i = 0; i < 20000; i++) { var l = '***** EVENT$.NAME = ' + id('n' + i); kept[i & 63] = l; if (i % 997 == 0) kept.push(X23 + l); }
var sum = 0; for (var k = 0; k < kept.length; k++) sum += kept[k].charCodeAt(kept[k].length - 1) + kept[k].length;
print(sum, kept[5], kept[kept.length - 1]);
