// Function calls: a recursive function (fib), a closure updating its captured variable, a method
// call through call(). bench(n) runs n rounds and returns an integer checksum.
var CHUNK = 100;
var callsRound = 0;
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function makeCounter(step) {
  var c = 0;
  return function () { c += step; return c; };
}
function scaled(f) { return this.base * f; }
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var k = callsRound++ % 3;
    sum += fib(12 + k);
    var ctr = makeCounter(k + 1);
    for (var i = 0; i < 100; i++)
      ctr();
    sum += ctr() + scaled.call({ base: k }, 3);
  }
  return sum;
}
