function thrower() { throw new Error('bad thing'); }
try { thrower(); } catch (err) { p(err.message); p(err instanceof Error); }
try { undefinedVariable; } catch (err) { p(err instanceof ReferenceError); }
try { null.f(); } catch (err) { p(err.name); }
p('caf\u00e9'.length); p('\u00e9' == '\xe9'); p('a\0b'.length);
var q = 'x'; q += 1; p(q); p('3' * '4'); p('3' + 4); p(3 + 4 + '5'); p('5' - 2);
var o2 = {}; o2.self = o2; p(o2.self.self === o2);
var n = 0; for (var z in [7, 8, 9]) n++; p(n);
var u; p(u); p(u === undefined); p(typeof u);
var a = [3, 1, 2]; a.sort(); p(a.join());
p(Math.max(1, 5, 3)); p(parseInt('42px')); p(isNaN(NaN)); p(String(null));
p((function () { return typeof arguments; })());
var cnt = 0; var g = function () { cnt++; return 'k'; }; var obj = {k: 1}; obj[g()] += 1; p(obj.k); p(cnt);
p([1, [2, 3]].length); p(new Array(3).length);
