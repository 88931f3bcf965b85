// Number formatting: ToString (shortest round-trip digits), toFixed, toPrecision,
// toExponential, toString(16), and parseFloat back. bench(n) runs n rounds and returns an
// integer checksum (lengths and character codes of the results).
var CHUNK = 100;
var numfmtRound = 0;
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var k = numfmtRound++ % 1000;
    for (var i = 0; i < 10; i++) {
      var v = (k * 37 + i) / 7;
      var s1 = String(v), s2 = v.toFixed(2), s3 = String(v * 1e10 + 0.5);
      var s4 = (k * 10 + i).toString(16), s5 = v.toPrecision(6), s6 = v.toExponential(3);
      sum += s1.length + s2.length + s3.length + s4.length + s5.length + s6.length +
             s1.charCodeAt(s1.length - 1) + s5.charCodeAt(s5.length - 1) +
             Math.round(parseFloat(s2) * 100);
    }
  }
  return sum;
}
