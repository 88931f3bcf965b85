// Number.prototype.toLocaleString (stdlib/lib_number.c): node's in an English or C locale —
// grouped by threes, at most three fraction digits rounded half away from zero on the shortest
// decimal form, trailing zeros dropped; NaN, infinities, negative zero.
//# number-tolocalestring
var vals = [0, -0, 1, -1, 12, 123, 1234, 12345, 123456, 1234567.891, -1234.5678, 0.0625, 0.0635,
  1.0005, 1.0015, 2.5, 0.1 + 0.2, 999.9996, 99.9995, 0.9995, 12345.6785, 1e21, 1.5e300,
  123456789012345680000, 1e-7, 0.0004999, 0.0005, 0.0015, -0.0001, -0.0005, 5e-324, 0.001,
  1.7976931348623157e308, 4294967295, 9007199254740993, NaN, Infinity, -Infinity, 1e15 + 0.3];
var out = [];
for (var i = 0; i < vals.length; i++) out.push(vals[i].toLocaleString());
print(out.join(' '));
print([1234.5, 'x', 1e6].toLocaleString());
print(new Number(98765.4321).toLocaleString());
//# number-tolocalestring-random
var seed = 4242, out = [];
function rnd() { seed = seed * 16807 % 2147483647; return seed / 2147483647; }
for (var i = 0; i < 2000; i++) {
  var v = (rnd() - 0.5) * Math.pow(10, Math.floor(rnd() * 24) - 8);
  out.push(v.toLocaleString());
}
print(out.join(' '));
//# number-tolocalestring-not-a-number
try { Number.prototype.toLocaleString.call('5'); } catch (e) { print(e.name); }
//# array-tolocalestring
var o = { toLocaleString: function () { return 'O' + this.n; }, n: 7 };
print([1e6, null, undefined, 'a,b', o, [2500, [3e3]], true].toLocaleString());
var bad = { toLocaleString: function () { throw new Error('nope'); } };
try { [1, bad].toLocaleString(); } catch (e) { print(e.message); }
try { [1, { toLocaleString: 5 }].toLocaleString(); } catch (e) { print(e.name); }
//# array-tolocalestring-not-generic
// ES3 15.4.4.3: toLocaleString is not generic, a this that is not an Array is a TypeError (node,
// after ES5, joins any array-like)
//! es3: TypeError
try { print(Array.prototype.toLocaleString.call({ length: 1, 0: 1 })); } catch (e) { print(e.name); }
