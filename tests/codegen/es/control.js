var s = 0; for (var i = 0; i < 10; i++) { if (i == 3) continue; if (i == 8) break; s += i; } p(s);
var j = 0; while (j < 5) j++; p(j);
var k = 0; do { k += 2; } while (k < 7); p(k);
outer: for (var a = 0; a < 3; a++) { for (var b = 0; b < 3; b++) { if (b == 1) continue outer; if (a == 2) break outer; p(a + ',' + b); } }
function sw(x) { var r = ''; switch (x) { case 1: r += 'one'; case 2: r += 'two'; break; default: r += 'def'; case 3: r += 'three'; } return r; }
p(sw(1)); p(sw(2)); p(sw(3)); p(sw(9)); p(sw('1'));
function tc() { try { throw 'boom'; } catch (e) { return 'caught ' + e; } finally { p('finally'); } } p(tc());
function tf() { try { return 'try'; } finally { p('fin runs'); } } p(tf());
function tf2() { for (var i = 0; i < 3; i++) { try { if (i == 1) break; } finally { p('f' + i); } } return i; } p(tf2());
function te() { try { null.x; } catch (e) { return e instanceof TypeError; } } p(te());
function nested() { try { try { throw 1; } finally { p('inner fin'); } } catch (e) { return 'outer ' + e; } } p(nested());
var e = 'outer e'; try { throw 'x'; } catch (e) { p(e); } p(e);
function ov() { try { return 1; } finally { return 2; } } p(ov());
lbl: { p('in'); break lbl; p('not'); } p('after');
if (0) p('no'); else if (1) p('elseif'); else p('else');
var w = 0; for (;;) { if (++w > 3) break; } p(w);
