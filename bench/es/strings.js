// String building: += in a loop, number-to-string in concatenation, substring, case mapping,
// join, indexOf, charCodeAt. bench(n) runs n rounds and returns an integer checksum.
// CHUNK: rounds per CCXML event for the compiled program (its heap is collected between events).
var CHUNK = 50;
var stringsRound = 0;
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var k = stringsRound++ % 7;
    var s = '';
    for (var i = 0; i < 200; i++)
      s += 'item' + i + ',';
    var parts = [];
    for (var j = 0; j < 50; j++)
      parts.push(s.substring(j * 3 + k, j * 3 + k + 10).toUpperCase());
    var joined = parts.join('|');
    sum += s.length + joined.length + joined.charCodeAt(k * 5) + s.indexOf('item1' + k + '7');
  }
  return sum;
}
