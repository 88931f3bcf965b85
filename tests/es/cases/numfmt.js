// Number formatting and reading (issue 8, bench/es/numfmt.js): ToString's shortest digits
// (stdlib/conv.c: two tries at the scales around the rounding interval's width, a bisection
// below ~1e-6, snprintf for the rest), toFixed/toPrecision/toExponential rounding half up on
// the exact value, toString(radix) (shifts for powers of two), parseFloat's one-pass prefix,
// and integer arguments taken inline (fractions, strings, huge and negative values included).
function each(list, f) {
  var r = [];
  for (var i = 0; i < list.length; i++) r.push(f(list[i]));
  return r.join(' ');
}
//# nf-string-edges
print(each([0.5, 2.5, 1.005, 0.1 + 0.2, 1 / 3, 2 / 3, 123.456, -273.15, 1e21, 1e21 * 1.5, 1e20,
  9.999999999999999e20, 1e-6, 1e-7, 1.5e-7, -0, 5e-324, 2.2250738585072014e-308,
  1.7976931348623157e308, 0.09999999999999999, 9.999999999999998, 1e15 + 0.3,
  4503599627370495.5, 0.000001234, 0.1, 0.7999999999999999, 1.0000000000000002], String));
//# nf-string-powers-of-two
var r = [];
for (var e = -80; e <= 60; e += 3) { var p = Math.pow(2, e); r.push(String(p), String(p * (1 + 1e-15)), String(p * 3 / 7)); }
print(r.join(' '));
//# nf-string-powers-of-ten
var r = [];
for (var e = -25; e <= 25; e++) { var p = Number('1e' + e); r.push(String(p), String(p * 1.0000000000000002), String(p / 1.0000000000000002)); }
print(r.join(' '));
//# nf-string-quotients
var sum = 0, last = '';
for (var k = 0; k < 400; k++) for (var i = 0; i < 10; i++) {
  var v = (k * 37 + i) / 7, s = String(v) + ' ' + String(v * 1e10 + 0.5) + ' ' + String(v / 1e9) + ' ' + String(-v / 3e15);
  sum += s.length + s.charCodeAt(s.length - 2);
  if (k % 97 == 0) last += s + ';';
}
print(sum, last);
//# nf-tofixed-ties-and-edges
print(each([0.5, 1.5, 2.5, -2.5, 1.005, 1.45, 99.995, 0.000001, 123.456, -0, 1e21, 1e20, 5e-324],
  function (v) { return v.toFixed(0) + '/' + v.toFixed(2) + '/' + v.toFixed(7); }));
print((1.25).toFixed(1), (1.35).toFixed(1), (0.045).toFixed(2), (-0.0001).toFixed(2), (99.96).toFixed(1));
print((123.456).toFixed(20), (0.1).toFixed(20), (1e-10).toFixed(20));
//# nf-tofixed-argument-conversions
print((1.5).toFixed(1.9), (1.5).toFixed('2'), (1.5).toFixed(-0.5), (1.5).toFixed(), (1.5).toFixed(null),
  (2.345).toFixed(true), (2.345).toFixed({ valueOf: function () { return 2; } }));
try { (1).toFixed(-1); } catch (e) { print(e.name); }
try { (1).toFixed(2147483648); } catch (e) { print(e.name); }
//# nf-toprecision-carries
print((9.9999).toPrecision(4), (99999).toPrecision(2), (0.000001234).toPrecision(2), (1e-7).toPrecision(1),
  (2.5).toPrecision(1), (0.125).toPrecision(2), (-0).toPrecision(3), (5e-324).toPrecision(3),
  (123.456).toPrecision(21), (999.95).toPrecision(4), (0.00099995).toPrecision(4), (1e21).toPrecision(3),
  (123456).toPrecision(6), (123456).toPrecision(5), (1.5).toPrecision(), (1.5).toPrecision(2.9));
//# nf-toexponential-carries
print((9.9999).toExponential(3), (0).toExponential(2), (123456).toExponential(), (1e21).toExponential(3),
  (-1.5e-7).toExponential(0), (1.25).toExponential(1), (9.5).toExponential(0), (5e-324).toExponential(2),
  (1.7976931348623157e308).toExponential(5), (0.00001).toExponential(), (-0).toExponential(), (12.5).toExponential('1'));
//# nf-number-methods-quotients
var sum = 0, last = '';
for (var k = 0; k < 300; k++) for (var i = 0; i < 10; i++) {
  var v = (k * 37 + i) / 7 * (k % 2 ? 1 : -1) * (k % 5 ? 1 : 1e-5);
  var s = v.toFixed(2) + ' ' + v.toPrecision(6) + ' ' + v.toExponential(3) + ' ' + (k * 10 + i).toString(16);
  sum += s.length + Math.round(parseFloat(v.toFixed(2)) * 100);
  if (k % 61 == 0) last += s + ';';
}
print(sum, last);
//# nf-radix
print((255).toString(16), (255).toString(2), (-255).toString(36), (0).toString(16), (-0).toString(2),
  (255).toString(4), (255).toString(8), (255).toString(32), (9007199254740991).toString(32),
  (9007199254740992).toString(16), Math.pow(2, 60).toString(2), (1e21).toString(16), (-4096).toString(8));
print((0.5).toString(2), (3.75).toString(16), (-12.375).toString(8), (35.5).toString(36), (255.5).toString(32),
  (0.1).toString(2), (1 / 3).toString(36), (255).toString(16.9), (255).toString('16'));
try { (1).toString(1); } catch (e) { print(e.name); }
try { (1).toString(37); } catch (e) { print(e.name); }
//# nf-parsefloat
print(each(['12.5abc', '-0', '-.5', '.5', '.', '-', '+3.25', '1e5', '1e', '1.5e+3x', '  3.5', '0x10',
  'Infinityx', '-Infinity', '00012.50', '1234567890123456789012', '0.0000000000000000000000001',
  '9007199254740993', '123.', '1..2', '\u00a0 7', '3\u0100', '1.7976931348623157e308', '5e-324',
  '0.1', '4285.86', '-0.00', '', 'abc', '12345678901234567890.5', '0.30000000000000004'],
  function (s) { var v = parseFloat(s); return v === 0 && 1 / v < 0 ? '-0' : String(v); }));
//# nf-charcodeat-arguments
var s = 'abcdef';
print(s.charCodeAt(1.7), s.charCodeAt(-0.5), s.charCodeAt('1'), s.charCodeAt(NaN), s.charCodeAt(2147483648),
  s.charCodeAt(-2147483649), s.charCodeAt(1e10), s.charCodeAt(), s.charCodeAt(5), s.charCodeAt(6),
  s.charCodeAt(-1), s.charAt(2.5), s.charAt(-2147483648.5), s.indexOf('c', 1.5), s.indexOf('c', 3));
