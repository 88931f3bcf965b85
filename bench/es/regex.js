// Regular expressions on SIP-like header lines: exec with groups, replace with /g, split, match
// with /g, test, search. The patterns are made once (as a CCXML document would in a <script>).
// bench(n) runs n rounds and returns an integer checksum.
var CHUNK = 100;
var regexRound = 0;
var reAddr = /<([a-z0-9]+)@([a-z.]+)>/;
var reDigit = /[0-9]/g;
var reSep = /[;:]\s*/;
var reNum = /\d+/g;
var reTag = /tag=\d+/;
var reVia = /Via/;
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var k = regexRound++ % 10;
    var line = 'From: user' + k + ' <alice' + k + '@example.com>; tag=' + k * 7919 +
               '; Via: SIP/2.0/UDP 10.0.0.' + k + ':5060';
    var m = reAddr.exec(line);
    if (m)
      sum += m[1].length + m[2].length + m.index;
    sum += line.replace(reDigit, '#').length;
    sum += line.split(reSep).length;
    sum += line.match(reNum).length;
    sum += reTag.test(line) ? 1 : 0;
    sum += line.search(reVia);
  }
  return sum;
}
