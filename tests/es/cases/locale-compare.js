// String.prototype.localeCompare (stdlib/lib_string.c, the weights of stdlib/collate.h): the
// root collation node's ICU gives in an English or C locale — letters first, then accents, then
// case; ligatures as their letters; control characters ignored.
function sign(x) { return x < 0 ? '<' : x > 0 ? '>' : '='; }
var seed = 12345;
function rnd(n) { seed = seed * 16807 % 2147483647; return seed % n; }
function pick(pool, len) {
  var s = '';
  for (var i = 0; i < len; i++) s += pool.charAt(rnd(pool.length));
  return s;
}
function signs(pool, n, maxlen) {
  var out = '';
  for (var i = 0; i < n; i++)
    out += sign(pick(pool, 1 + rnd(maxlen)).localeCompare(pick(pool, 1 + rnd(maxlen))));
  return out;
}
function sorted(list) {
  return list.sort(function (a, b) { return a.localeCompare(b); }).join('|');
}
//# locale-compare-words
print(sorted(['resume', 'Résumé', 'résumé', 'Resume', 'rèsume', 'resumes', 'résu', 'RESUME']));
print(sorted(['zebra', 'Zoe', 'apple', 'Äpfel', 'ápple', 'Apple', 'aardvark', 'Ångström', 'angle']));
print(sorted(['Müller', 'Mueller', 'Muller', 'Mülheim', 'Moller', 'Møller', 'Mőller']));
print(sorted(['straße', 'strasse', 'Strasse', 'strase', 'strat', 'Straße']));
print(sorted(['œuvre', 'oeuvre', 'Oeuvre', 'Œuvre', 'oevre', 'ofen']));
print(sorted(['Æsop', 'aesop', 'Aesop', 'adam', 'afar', 'ǽsop']));
print(sorted(['item 10', 'item 9', 'item_9', 'item-9', 'item.9', 'item9', 'item #9', 'Item 9']));
print(sorted(['Ωmega', 'alpha', 'Άλφα', 'άλφα', 'βήτα', 'Москва', 'москва', 'ёлка', 'елка', 'Яблоко']));
print(sorted(['€5', '$5', '£5', '5', '¥5', '5€', '#5', '@5', '(5)', '"5"']));
//# locale-compare-ignorable-and-equal
print(sign('a\u0001b'.localeCompare('ab')), sign('e\u0301'.localeCompare('\u00e9')),
      sign(''.localeCompare('\u0000')), sign('abc'.localeCompare('abc')),
      sign('a'.localeCompare('A')), sign('A'.localeCompare('a')), sign('\u00e9'.localeCompare('e')),
      sign(''.localeCompare('a')), sign('a'.localeCompare()), sign('undefineD'.localeCompare()));
print(sign('ﬁ'.localeCompare('fi')), sign('\u0133'.localeCompare('ij')), sign('IJ'.localeCompare('\u0133')));
//# locale-compare-ascii
print(signs(' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~', 3000, 5));
//# locale-compare-latin
print(signs('aAbBcCeEéÉèÈêëçÇßøØœŒæÆñÑüÜöÖåÅāĀăąćčďđęěğıİłńňőřśšşťůűźżžǎǐǒǔ-_ .,1', 3000, 5));
//# locale-compare-greek-cyrillic
print(signs('αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙάέήίόύώΆΈϊϋабвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙ', 3000, 4));
