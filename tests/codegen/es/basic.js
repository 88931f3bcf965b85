p(1 + 2); p('a' + 'b'); p(2 * 3 + 1); p(7 / 2); p(-7 % 3); p(1 / 0); p(-0 === 0);
var x = 5; x += 3; p(x); x -= 1; p(x); x *= 2; p(x); x /= 7; p(x); x %= 1.5; p(x);
var i = 0; p(i++); p(i); p(++i); p(i--); p(--i);
p(5 & 3); p(5 | 3); p(5 ^ 3); p(~5); p(1 << 10); p(-16 >> 2); p(-16 >>> 28);
p(1 < 2); p('a' < 'b'); p(2 >= 2); p(1 == '1'); p(1 === '1'); p(null == undefined); p(null === undefined); p(1 != 2); p(1 !== 1);
p(0 || 'x'); p(1 && 'y'); p(null || 0); p('' && 'z');
p(true ? 'T' : 'F'); p((1, 2, 3)); p(void 0); p(typeof 1); p(typeof 'a'); p(typeof undefinedName); p(typeof null); p(typeof {}); p(typeof p);
p(0x1F); p(1e3); p(1.5e-7); p(0.1 + 0.2); p(123456789012345680000); p(-(-3));
p('tab\there'); p("q\"uote"); p('\x41\u0042'); p('line\
cont');
p(!0); p(!!'x'); p(+'42'); p(-'3');
