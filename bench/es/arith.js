// Arithmetic loops: 32-bit xorshift (<<, >>>, ^), modulo, multiplication and a floating-point
// recurrence. No allocation. bench(n) runs n rounds and returns an integer checksum.
var CHUNK = 1000;
var arithRound = 0;
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var x = arithRound++ % 1000 + 1;
    var acc = 0, f = 0.5;
    for (var i = 1; i <= 1000; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      var u = (x >>> 0) % 10007;
      acc = (acc + u * i) % 1000003;
      f = f * 0.999 + u / (i + 1);
    }
    sum += acc + Math.floor(f);
  }
  return sum;
}
