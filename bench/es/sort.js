// Sorting: Array.prototype.sort with a numeric comparator, the default (string) sort, a sort of
// records with a two-key comparator, and a quicksort written in ES. Every order is total, so
// stable and unstable sorts agree. bench(n) runs n rounds and returns an integer checksum.
var CHUNK = 50;
var sortRound = 0;
function quicksort(a, lo, hi) {
  while (lo < hi) {
    var pivot = a[(lo + hi) >> 1], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { var t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}
function byKeyThenId(p, q) { return p.key !== q.key ? p.key - q.key : p.id - q.id; }
function bench(n) {
  var sum = 0;
  for (var r = 0; r < n; r++) {
    var x = sortRound++ % 1000 + 1;
    var nums = [], strs = [], recs = [], mine = [];
    for (var i = 0; i < 200; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      var v = (x >>> 0) % 100000;
      nums.push(v);
      mine.push(v);
      strs.push('s' + v);
      recs.push({ key: v % 50, id: i });
    }
    nums.sort(function (a, b) { return a - b; });
    strs.sort();
    recs.sort(byKeyThenId);
    quicksort(mine, 0, mine.length - 1);
    sum += nums[0] + nums[100] + nums[199] + strs[0].length + strs[100].charCodeAt(2) +
           recs[0].id + recs[199].id + mine[50] + mine[150];
  }
  return sum;
}
