// Object work: a constructor with prototype methods, new objects, property reads and writes,
// a string-keyed dictionary, for-in. bench(n) runs n rounds and returns an integer checksum.
var CHUNK = 100;
var objectsRound = 0;
function Point(x, y) { this.x = x; this.y = y; }
Point.prototype.add = function (p) { return new Point(this.x + p.x, this.y + p.y); };
Point.prototype.dot = function (p) { return this.x * p.x + this.y * p.y; };
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var base = objectsRound++ % 13;
    var acc = new Point(base, 1);
    var rec = { count: 0, total: 0, last: null };
    var dict = {};
    for (var i = 0; i < 200; i++) {
      var p = new Point(i % 17, base - i % 5);
      acc = acc.add(p);
      rec.count++;
      rec.total += acc.dot(p) % 1000;
      rec.last = p;
      var key = 'k' + i % 40;
      dict[key] = (dict[key] || 0) + i;
    }
    var keys = 0;
    for (var name in dict) keys += dict[name] % 97;
    sum += acc.x + acc.y + rec.count + rec.total + rec.last.x + keys;
  }
  return sum;
}
