// Array work: push, indexed reads and writes, slice, reverse, concat, pop, indexOf, and a small
// matrix product over nested arrays. bench(n) runs n rounds and returns an integer checksum.
var CHUNK = 100;
var arraysRound = 0;
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var seed = arraysRound++ % 100;
    var a = [];
    for (var i = 0; i < 500; i++)
      a.push((i * 31 + seed) % 1000);
    var s = 0;
    for (var j = 0; j < a.length; j++)
      s += a[j];
    for (j = a.length - 1; j > 0; j--)
      a[j] = a[j] - a[j - 1];
    var b = a.slice(100, 300);
    b.reverse();
    var c = a.concat(b);
    while (c.length > 400)
      s += c.pop();
    var m = [], p = [];
    for (i = 0; i < 8; i++) {
      m[i] = [];
      for (j = 0; j < 8; j++)
        m[i][j] = (i * 8 + j + seed) % 11;
    }
    for (i = 0; i < 8; i++) {
      p[i] = [];
      for (j = 0; j < 8; j++) {
        var t = 0;
        for (var q = 0; q < 8; q++)
          t += m[i][q] * m[q][j];
        p[i][j] = t;
      }
    }
    sum += s + c.length + b[0] + a.indexOf(31) + p[7][7] + p[3][5];
  }
  return sum;
}
