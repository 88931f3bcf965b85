/*
 * lib_number.c — Number (ES3 15.7) and Math (15.8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include <errno.h>
#include <time.h>
#include "cx_priv.h"

#define CX_FIXED (CX_PROP_DONTENUM | CX_PROP_READONLY | CX_PROP_DONTDELETE)

static int cx_number__this(cx_ctx *X, cx_value this_, double *d)
{
	cx_obj *o = cx_obj_of(this_, CX_C_NUMBER);

	if (this_.tag == CX_T_NUM)
		return *d = this_.u.n, 0;
	if (o)
		return *d = o->prim.u.n, 0;
	cx_throw_error(X, "TypeError", "Number.prototype method called on a non-number");
	return -1;
}

static cx_value cx_number_call(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return argc ? cx_to_number(X, argv[0]) : cx_num(0);
}

static cx_value cx_number_new(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value n = cx_number_call(X, self, this_, argc, argv);

	return cx_is_exc(n) ? n : cx_to_object(X, n);
}

static cx_value cx_number_valueof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double d;
	return cx_number__this(X, this_, &d) ? CX_EXCEPTION : cx_num(d);
}

/* Every result of this file is ASCII, of a length known by then: no decoding, no strlen. */
static cx_value cx_number__ascii(cx_ctx *X, const char *p, size_t len)
{
	cx_str *s = cx_str__new8(X, (const uint8_t *)p, len);

	return s ? cx_strv(s) : CX_EXCEPTION;
}

/* Radix other than 10 (15.7.4.2 leaves the format to the implementation): the digits node
 * prints. Integer digits by repeated division (digits below the precision of a double print as
 * 0); fraction digits are generated until the rest is smaller than half the gap to the next
 * double, so the string is the shortest that reads back as the same number, with the last
 * digit rounded half-to-even. */
static cx_value cx_number__radix(cx_ctx *X, double d, int radix)
{
	static const char dig[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char buf[2200], *ip = buf + 1100, *fp = buf + 1100;
	double in, fr, delta;
	int neg = d < 0;

	if (neg)
		d = -d;
	if (d < 9007199254740992.0 && d == (double)(uint64_t)d) {
		/* an integer (toString(16) of a count, a colour): its digits by integer division,
		 * without floor, nextafter and the fraction loop */
		uint64_t u = (uint64_t)d;
		*fp = 0;
		if (!(radix & (radix - 1))) { /* 2, 4, 8, 16, 32: shifts, no division */
			int sh = __builtin_ctz((unsigned)radix);
			do
				*--ip = dig[u & (unsigned)(radix - 1)];
			while ((u >>= sh));
		}
		else
			do
				*--ip = dig[u % (unsigned)radix];
			while ((u /= (unsigned)radix));
		if (neg)
			*--ip = '-';
		return cx_number__ascii(X, ip, (size_t)(fp - ip));
	}
	in = floor(d);
	fr = d - in;
	delta = 0.5 * (nextafter(d, INFINITY) - d);
	if (delta < 4.9406564584124654e-324)
		delta = 4.9406564584124654e-324;
	if (fr >= delta) {
		*fp++ = '.';
		do {
			int digit;
			fr *= radix;
			delta *= radix;
			digit = (int)fr;
			*fp++ = dig[digit];
			fr -= digit;
			if ((fr > 0.5 || (fr == 0.5 && (digit & 1))) && fr + delta > 1) {
				/* round up, carrying into earlier digits and maybe the integer */
				char *q = fp;
				for (;;) {
					int v;
					if (--q == buf + 1100) {
						in += 1;
						break;
					}
					v = (int)(strchr(dig, *q) - dig) + 1;
					if (v < radix) {
						*q = dig[v];
						q++;
						break;
					}
				}
				fp = q;
				break;
			}
		} while (fr >= delta && fp < buf + sizeof(buf) - 2);
		if (fp == buf + 1101)
			fp--; /* every fraction digit carried away */
	}
	*fp = 0;
	while (in / radix >= 9007199254740992.0 && ip > buf + 2) {
		in /= radix;
		*--ip = '0';
	}
	if (in < 9007199254740992.0) { /* exact in 64 bits: integer division, no fmod */
		uint64_t u = (uint64_t)in;
		do
			*--ip = dig[u % (unsigned)radix];
		while ((u /= (unsigned)radix));
	}
	else
		do {
			double r = fmod(in, radix);
			*--ip = dig[(int)r];
			in = (in - r) / radix;
		} while (in > 0 && ip > buf + 2);
	if (neg)
		*--ip = '-';
	return cx_number__ascii(X, ip, (size_t)(fp - ip));
}

static cx_value cx_number_tostring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double d, r = 10;

	if (cx_number__this(X, this_, &d))
		return CX_EXCEPTION;
	if (CX_ARG(0).tag != CX_T_UNDEF && cx_to_integer_num(X, argv[0], &r))
		return CX_EXCEPTION;
	if (r < 2 || r > 36)
		return cx_throw_error(X, "RangeError", "toString() radix must be between 2 and 36");
	if (r == 10 || isnan(d) || isinf(d))
		return cx_to_string(X, cx_num(d));
	return cx_number__radix(X, d, (int)r);
}

/* toLocaleString as node's in an English or C locale (ECMA-402's default format): the
 * shortest decimal form (as toString's) rounded half away from zero to three fraction digits,
 * trailing zeros dropped, the integer part grouped by threes with ','; NaN, ∞, -∞, and the
 * sign of a negative value kept when it rounds to 0 ("-0"). 1234567.891 -> "1,234,567.891",
 * 0.0625 -> "0.063", 1e21 -> "1,000,000,000,000,000,000,000". */
static cx_value cx_number_tolocalestring(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	char dg[32], ip[330], fr[8], out[480];
	int k, n, ni = 0, nf = 0, i, o = 0;
	double d;

	(void)self;
	(void)argc;
	(void)argv;
	if (cx_number__this(X, this_, &d))
		return CX_EXCEPTION;
	if (isnan(d))
		return cx_to_string(X, cx_num(d));
	if (isinf(d))
		return cx_str_utf8(X, d < 0 ? "-\xe2\x88\x9e" : "\xe2\x88\x9e", d < 0 ? 4 : 3);
	if (signbit(d))
		out[o++] = '-';
	if (d == 0) {
		dg[0] = '0';
		k = n = 1;
	} else {
		k = cx_conv__shortest_digits(fabs(d), dg, &n); /* 0.dg[0..k) x 10^n */
	}
	/* the integer part and the first four fraction digits (the fourth decides the rounding) */
	for (i = 0; i < n; i++)
		ip[ni++] = i < k ? dg[i] : '0';
	if (!ni)
		ip[ni++] = '0';
	for (i = n; nf < 4; i++)
		fr[nf++] = i < 0 || i >= k ? '0' : dg[i];
	if (fr[3] >= '5') { /* up, carrying into the integer part */
		for (i = 2; i >= 0 && fr[i] == '9'; i--)
			fr[i] = '0';
		if (i >= 0) {
			fr[i]++;
		} else {
			for (i = ni - 1; i >= 0 && ip[i] == '9'; i--)
				ip[i] = '0';
			if (i >= 0) {
				ip[i]++;
			} else {
				memmove(ip + 1, ip, (size_t)ni++);
				ip[0] = '1';
			}
		}
	}
	for (nf = 3; nf > 0 && fr[nf - 1] == '0'; nf--)
		;
	for (i = 0; i < ni; i++) {
		if (i && (ni - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = ip[i];
	}
	if (nf) {
		out[o++] = '.';
		memcpy(out + o, fr, (size_t)nf);
		o += nf;
	}
	return cx_str_utf8(X, out, (size_t)o);
}

/* Section - exact decimal digits
 *
 * toFixed, toExponential and toPrecision round half up on the exact decimal value of the double
 * (15.7.4.5-7: "if there are two such n, pick the larger"), which printf's round-half-even gets
 * wrong for 0.5, 2.5, 1.25… Half up needs only the digit after the cut (5 or more goes up, a tie
 * included), so the digits up to there must be exact and no more are needed. A double is m·2^k
 * (m < 2^53): its integer part has at most 309 digits, its fraction exactly -k (up to 1074).
 * Both come out of a small bignum of 32-bit words, nine digits per step, only as many as asked
 * for: one step for a value like 123.456, where printing the whole expansion with "%.1100f"
 * cost tens of thousands of instructions. */

#define CX_NUMBER__W 40     /* words: m·2^971 and a 1074-bit fraction both fit */
#define CX_NUMBER__MAXD 800 /* digits: 309 integer, or 323 leading zeros + 22 + a step */

/* Nine digits of v (< 10^9), leading zeros included. */
static void cx_number__nine(uint32_t v, char *out)
{
	int i;

	for (i = 8; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* The decimal digits of v without leading zeros (none for 0) into out; returns their count. */
static int cx_number__u64_digits(uint64_t v, char *out)
{
	return v ? cx_conv__u64_digits(v, out) : 0;
}

/* "e+7", "e-12": the exponent part of toExponential/toPrecision at out; returns its length. */
static int cx_number__exp(int e, char *out)
{
	int n = 0;

	out[n++] = 'e';
	out[n++] = e < 0 ? '-' : '+';
	if (e)
		n += cx_number__u64_digits((uint64_t)(e < 0 ? -e : e), out + n);
	else
		out[n++] = '0';
	out[n] = 0;
	return n;
}

/* v·2^s (s < 32) into the words w[0..3), lowest first. */
static void cx_number__put(uint32_t *w, uint64_t v, int s)
{
	uint64_t v0 = v & 0xffffffffu, v1 = v >> 32;

	w[0] = (uint32_t)(v0 << s);
	w[1] = (uint32_t)((v1 << s) | (s ? v0 >> (32 - s) : 0));
	w[2] = s ? (uint32_t)(v1 >> (32 - s)) : 0;
}

/* The decimal digits of the integer w[0..n) (destroyed), without leading zeros (none for 0),
 * into out; returns their count. Repeated division by 10^9 from the highest word down: each
 * partial remainder is below 10^9, so remainder·2^32 + word fits in 64 bits. */
static int cx_number__int_digits(uint32_t *w, int n, char *out)
{
	uint32_t part[40];
	char first[10];
	int np = 0, len = 0, i, j;

	while (n > 0 && !w[n - 1])
		n--;
	while (n > 0) {
		uint64_t r = 0;
		for (i = n - 1; i >= 0; i--) {
			uint64_t cur = (r << 32) | w[i];
			w[i] = (uint32_t)(cur / 1000000000u);
			r = cur % 1000000000u;
		}
		part[np++] = (uint32_t)r;
		while (n > 0 && !w[n - 1])
			n--;
	}
	if (!np)
		return 0;
	cx_number__nine(part[np - 1], first);
	for (j = 0; first[j] == '0'; j++)
		;
	for (; j < 9; j++)
		out[len++] = first[j];
	for (i = np - 2; i >= 0; i--, len += 9)
		cx_number__nine(part[i], out + len);
	return len;
}

/* The exact decimal digits of x (finite, > 0) into d: those of its integer part first (*ni of
 * them, no leading zeros, none when x < 1), then those of its fraction, until there are nf
 * fraction digits when nf >= 0, else until ns digits have come out from the first nonzero one
 * on. Past the end of the expansion the digits are zeros. Returns the count written (at most
 * CX_NUMBER__MAXD for nf <= 30, ns <= 30). */
static int cx_number__exact(double x, int nf, int ns, char *d, int *ni)
{
	uint32_t w[CX_NUMBER__W];
	uint64_t m;
	int e2, k, n, first, lo = 0, hi = 0, top = 0, i;

	memcpy(&m, &x, sizeof(m)); /* x = m·2^k, read from its bits (subnormals: no hidden bit) */
	e2 = (int)(m >> 52 & 0x7ff);
	m &= ((uint64_t)1 << 52) - 1;
	if (e2)
		m |= (uint64_t)1 << 52;
	k = (e2 ? e2 : 1) - 1075;
	if (m && k < 0) { /* fewer fraction bits: a shorter bignum */
		int z = __builtin_ctzll(m);
		z = z < -k ? z : -k;
		m >>= z;
		k += z;
	}
	if (k < 0 && k > -60) {
		/* Fewer than 60 fraction bits (123.456, 1/7…): the fraction times 10 stays below 2^64,
		 * so each digit is one multiplication of a 64-bit integer, no bignum. */
		int K = -k, want;
		uint64_t mask = ((uint64_t)1 << K) - 1, fr = m & mask;
		n = *ni = cx_number__u64_digits(m >> K, d);
		want = nf >= 0 ? n + nf : n ? (n > ns ? n : ns) : -1;
		if (want < 0) { /* x < 1, ns significant digits: the zeros before the first, then ns */
			do {
				fr *= 10;
				d[n++] = (char)('0' + (fr >> K));
				fr &= mask;
			} while (d[n - 1] == '0');
			want = n - 1 + ns;
		}
		while (n < want) {
			fr *= 10;
			d[n++] = (char)('0' + (fr >> K));
			fr &= mask;
		}
		return n;
	}
	if (k >= 0 && k <= 11) {
		/* an integer below 2^64, no fraction (lo == hi) */
		n = *ni = cx_number__u64_digits(m << k, d);
	}
	else if (k >= 0) {
		memset(w, 0, sizeof(w)); /* the fraction path below only reads what put writes */
		cx_number__put(w + k / 32, m, k % 32);
		n = *ni = cx_number__int_digits(w, k / 32 + 3, d);
	}
	else {
		int K = -k;
		uint64_t ip = K < 64 ? m >> K : 0, fr = K < 64 ? m & ((1ull << K) - 1) : m;
		n = *ni = cx_number__u64_digits(ip, d);
		/* The fraction fr/2^K as w/2^(32·top): fr shifted up by 32·top - K < 32 bits fills
		 * the lowest three words at most; each multiplication by 10^9 then carries the next
		 * nine digits out of the top word. Words below lo and from hi up are zero. */
		top = (K + 31) / 32;
		cx_number__put(w, fr, 32 * top - K);
		hi = top < 3 ? top : 3;
		while (hi > lo && !w[hi - 1])
			hi--;
		while (lo < hi && !w[lo])
			lo++;
	}
	first = n ? 0 : -1;
	for (;;) {
		uint64_t c = 0;
		if (nf >= 0 ? n - *ni >= nf : first >= 0 && n >= first + ns)
			break;
		if (lo >= hi) { /* the rest of the expansion is zeros */
			d[n++] = '0';
			continue;
		}
		for (i = lo; i < hi; i++) {
			c += (uint64_t)w[i] * 1000000000u;
			w[i] = (uint32_t)c;
			c >>= 32;
		}
		if (hi < top) { /* still below 1/10^9: no digit carried out yet */
			if (c)
				w[hi++] = (uint32_t)c;
			c = 0;
		}
		while (lo < hi && !w[lo])
			lo++;
		cx_number__nine((uint32_t)c, d + n);
		for (i = 0; first < 0 && i < 9; i++)
			if (d[n + i] != '0')
				first = n + i;
		n += 9;
	}
	return n;
}

/* Rounds the digits d[0..n) half up on the digit d[n]: returns 1 when the carry ran out of
 * d[0] (all nines: they are zeros now). */
static int cx_number__round(char *d, int n)
{
	int i;

	if (d[n] < '5')
		return 0;
	for (i = n - 1; i >= 0; i--) {
		if (d[i] != '9') {
			d[i]++;
			return 0;
		}
		d[i] = '0';
	}
	return 1;
}

/* 15.7.4.5 */
static cx_value cx_number_tofixed(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double d, f;
	char buf[CX_NUMBER__MAXD + 1], out[CX_NUMBER__MAXD + 4], *dig = buf + 1;
	int ni = 0, nf, k = 0;

	if (cx_number__this(X, this_, &d) || cx_to_integer_num(X, CX_ARG(0), &f))
		return CX_EXCEPTION;
	if (f < 0 || f > 20)
		return cx_throw_error(X, "RangeError", "toFixed() digits must be between 0 and 20");
	if (isnan(d) || fabs(d) >= 1e21)
		return cx_to_string(X, cx_num(d));
	nf = (int)f;
	if (d < 0) /* ES3 keeps the sign of any x < 0 ("-0.00") */
		out[k++] = '-';
	if (d == 0)
		memset(dig, '0', (size_t)nf + 1);
	else
		cx_number__exact(fabs(d), nf + 1, 0, dig, &ni);
	/* dig: ni integer digits, nf kept fraction digits, then the one that decides; a carry
	 * out of the first digit goes into buf[0] (99.96 -> 100.0) */
	buf[0] = cx_number__round(dig, ni + nf) ? '1' : '0';
	/* (the copies move a fixed 24 bytes, more than ni + 1 <= 22 and nf <= 20: no call) */
	if (buf[0] == '1')
		memcpy(out + k, buf, 24), k += ni + 1;
	else if (ni)
		memcpy(out + k, dig, 24), k += ni;
	else
		out[k++] = '0';
	if (nf) {
		out[k++] = '.';
		memcpy(out + k, dig + ni, 24), k += nf;
	}
	return cx_number__ascii(X, out, (size_t)k);
}

/* The first nd (1..21) significant decimal digits of x (> 0, finite) rounded half up from its
 * exact value, as 15.7.4.6-7 ask, into dig (nd chars + NUL; dig has room for 24); returns the
 * decimal exponent of the first digit. */
static int cx_number__digits(double x, int nd, char *dig)
{
	char buf[CX_NUMBER__MAXD];
	int ni, z = 0, e;

	cx_number__exact(x, -1, nd + 1, buf, &ni);
	if (ni)
		e = ni - 1;
	else {
		while (buf[z] == '0')
			z++;
		e = -(z + 1);
	}
	if (cx_number__round(buf + z, nd)) {
		buf[z] = '1'; /* 9.99… became 10.0…: the digits stay nd, the exponent grows */
		e++;
	}
	memcpy(dig, buf + z, 24); /* a fixed size: no call */
	dig[nd] = 0;
	return e;
}

/* The shortest digits that read back as x (x > 0, finite), for toExponential(undefined), as
 * ToString finds them (conv.c); returns the decimal exponent of the first. */
static int cx_number__shortest(double x, char *dig)
{
	int n, k = cx_conv__shortest_digits(x, dig, &n);

	dig[k] = 0;
	return n - 1;
}

static int cx_number__special(cx_ctx *X, double d, cx_value *out)
{
	if (isnan(d) || isinf(d)) {
		*out = cx_to_string(X, cx_num(d));
		return 1;
	}
	return 0;
}

/* 15.7.4.6 */
static cx_value cx_number_toexponential(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double d, f = 0;
	char dig[32], out[64];
	int e, n, k = 0;
	cx_value r;

	if (cx_number__this(X, this_, &d) || cx_to_integer_num(X, CX_ARG(0), &f))
		return CX_EXCEPTION;
	if (cx_number__special(X, d, &r))
		return r;
	if (f < 0 || f > 20)
		return cx_throw_error(X, "RangeError", "toExponential() argument must be between 0 and 20");
	if (d < 0)
		out[k++] = '-', d = -d;
	if (d == 0) {
		n = CX_ARG(0).tag == CX_T_UNDEF ? 1 : (int)f + 1;
		memset(dig, '0', (size_t)n);
		dig[n] = 0;
		e = 0;
	}
	else if (CX_ARG(0).tag == CX_T_UNDEF)
		e = cx_number__shortest(d, dig), n = (int)strlen(dig);
	else
		n = (int)f + 1, e = cx_number__digits(d, n, dig);
	out[k++] = dig[0];
	if (n > 1) {
		out[k++] = '.';
		memcpy(out + k, dig + 1, 24); /* n <= 21 digits: a fixed size, no call */
		k += n - 1;
	}
	k += cx_number__exp(e, out + k);
	return cx_number__ascii(X, out, (size_t)k);
}

/* 15.7.4.7 (precision 1..21 as ES3 says; node allows up to 100) */
static cx_value cx_number_toprecision(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double d, pd;
	char dig[48], out[80]; /* dig: p <= 21 digits, read 24 at a time from up to dig + 20 */
	int e, p, k = 0;
	cx_value r;

	if (cx_number__this(X, this_, &d))
		return CX_EXCEPTION;
	if (CX_ARG(0).tag == CX_T_UNDEF)
		return cx_to_string(X, cx_num(d));
	if (cx_to_integer_num(X, argv[0], &pd))
		return CX_EXCEPTION;
	if (cx_number__special(X, d, &r))
		return r;
	if (pd < 1 || pd > 21)
		return cx_throw_error(X, "RangeError", "toPrecision() argument must be between 1 and 21");
	p = (int)pd;
	if (d < 0)
		out[k++] = '-', d = -d;
	if (d == 0) {
		memset(dig, '0', (size_t)p);
		dig[p] = 0;
		e = 0;
	}
	else
		e = cx_number__digits(d, p, dig);
	/* the digits go in by fixed 24-byte copies (no call), the point over the 25th byte */
	if (e < -6 || e >= p) {
		out[k++] = dig[0];
		if (p > 1) {
			out[k++] = '.';
			memcpy(out + k, dig + 1, 24);
			k += p - 1;
		}
		k += cx_number__exp(e, out + k);
	}
	else if (e >= 0) {
		memcpy(out + k, dig, 24);
		if (e < p - 1) { /* e + 1 integer digits, the point, the rest */
			memcpy(out + k + e + 2, dig + e + 1, 24);
			out[k + e + 1] = '.';
			k++;
		}
		k += p;
	}
	else {
		out[k++] = '0';
		out[k++] = '.';
		memset(out + k, '0', (size_t)-(e + 1));
		k += -(e + 1);
		memcpy(out + k, dig, 24);
		k += p;
	}
	return cx_number__ascii(X, out, (size_t)k);
}

/* Section - Math */

static double cx_math__arg(cx_ctx *X, int argc, cx_value *argv, int i, int *err)
{
	double d;

	if (*err)
		return 0;
	if (cx_to_num(X, CX_ARG(i), &d)) {
		*err = 1;
		return 0;
	}
	return d;
}

#define CX_MATH1(name, expr)                                                                   \
	static cx_value cx_math_##name(cx_ctx *X, cx_value self, cx_value this_, int argc,        \
				       cx_value *argv)                                            \
	{                                                                                      \
		int err = 0;                                                                   \
		double x = cx_math__arg(X, argc, argv, 0, &err);                               \
		return err ? CX_EXCEPTION : cx_num(expr);                                      \
	}

static double cx_math__round(double x)
{
	double r;

	if (isnan(x) || isinf(x) || x == floor(x))
		return x;
	if (x < 0 && x >= -0.5)
		return -0.0;
	r = floor(x);
	return x - r >= 0.5 ? r + 1 : r;
}

CX_MATH1(abs, fabs(x))
CX_MATH1(acos, acos(x))
CX_MATH1(asin, asin(x))
CX_MATH1(atan, atan(x))
CX_MATH1(ceil, ceil(x))
CX_MATH1(cos, cos(x))
CX_MATH1(exp, exp(x))
CX_MATH1(floor, floor(x))
CX_MATH1(log, log(x))
CX_MATH1(round, cx_math__round(x))
CX_MATH1(sin, sin(x))
CX_MATH1(sqrt, sqrt(x))
CX_MATH1(tan, tan(x))

static cx_value cx_math_atan2(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	int err = 0;
	double y = cx_math__arg(X, argc, argv, 0, &err), x = cx_math__arg(X, argc, argv, 1, &err);

	return err ? CX_EXCEPTION : cx_num(atan2(y, x));
}

static cx_value cx_math_pow(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	int err = 0;
	double x = cx_math__arg(X, argc, argv, 0, &err), y = cx_math__arg(X, argc, argv, 1, &err);

	if (err)
		return CX_EXCEPTION;
	/* Where ES and C99 differ: 1^NaN and (+-1)^(+-Infinity) are NaN in ES. */
	if (isnan(y) || (fabs(x) == 1 && isinf(y)))
		return cx_num(y == 0 ? 1 : NAN);
	return cx_num(pow(x, y));
}

static cx_value cx_math__minmax(cx_ctx *X, int argc, cx_value *argv, int max)
{
	double r = max ? -INFINITY : INFINITY;
	int i, nan = 0;

	for (i = 0; i < argc; i++) {
		double d;
		if (cx_to_num(X, argv[i], &d))
			return CX_EXCEPTION;
		if (isnan(d))
			nan = 1;
		else if (max ? (d > r || (d == 0 && r == 0 && !signbit(d)))
			     : (d < r || (d == 0 && r == 0 && signbit(d))))
			r = d;
	}
	return cx_num(nan ? NAN : r);
}

static cx_value cx_math_max(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_math__minmax(X, argc, argv, 1);
}

static cx_value cx_math_min(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_math__minmax(X, argc, argv, 0);
}

/* xorshift64*: good enough for Math.random (not for security). Seeded once per process. */
static uint64_t cx_math__seed;

static cx_value cx_math_random(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	uint64_t x;

	if (!cx_math__seed) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		cx_math__seed = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^
				(uint64_t)(uintptr_t)X;
		if (!cx_math__seed)
			cx_math__seed = 88172645463325252ull;
	}
	x = cx_math__seed;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	cx_math__seed = x;
	return cx_num((double)((x * 2685821657736338717ull) >> 11) / 9007199254740992.0);
}

static int cx_number__consts(cx_ctx *X, cx_obj *c)
{
	static const struct { const char *n; double v; } nconst[] = {
		{"MAX_VALUE", DBL_MAX}, {"MIN_VALUE", 4.9406564584124654e-324}, {"NaN", NAN},
		{"NEGATIVE_INFINITY", -INFINITY}, {"POSITIVE_INFINITY", INFINITY},
	};
	size_t i;

	for (i = 0; i < sizeof(nconst) / sizeof(nconst[0]); i++)
		if (cx_define_cstr(X, cx_objv(c), nconst[i].n, cx_num(nconst[i].v), CX_FIXED))
			return ENOMEM;
	return 0;
}

static int cx_math__init(cx_ctx *X, cx_obj *m)
{
	static const struct { const char *n; double v; } mconst[] = {
		{"E", 2.718281828459045}, {"LN10", 2.302585092994046}, {"LN2", 0.6931471805599453},
		{"LOG2E", 1.4426950408889634}, {"LOG10E", 0.4342944819032518},
		{"PI", 3.141592653589793}, {"SQRT1_2", 0.7071067811865476}, {"SQRT2", 1.4142135623730951},
	};
	size_t i;

	m->cls = CX_C_MATH;
	for (i = 0; i < sizeof(mconst) / sizeof(mconst[0]); i++)
		if (cx_define_cstr(X, cx_objv(m), mconst[i].n, cx_num(mconst[i].v), CX_FIXED))
			return ENOMEM;
	return 0;
}

static cx_lazy cx_number_protom[] = {
	CX_LAZY_FN("toString", cx_number_tostring, 1),
	CX_LAZY_FN("toLocaleString", cx_number_tolocalestring, 0),
	CX_LAZY_FN("valueOf", cx_number_valueof, 0),
	CX_LAZY_FN("toFixed", cx_number_tofixed, 1),
	CX_LAZY_FN("toExponential", cx_number_toexponential, 1),
	CX_LAZY_FN("toPrecision", cx_number_toprecision, 1),
	CX_LAZY_END
};
static cx_lazy cx_math_own[] = {
	CX_LAZY_FN("abs", cx_math_abs, 1), CX_LAZY_FN("acos", cx_math_acos, 1),
	CX_LAZY_FN("asin", cx_math_asin, 1), CX_LAZY_FN("atan", cx_math_atan, 1),
	CX_LAZY_FN("atan2", cx_math_atan2, 2), CX_LAZY_FN("ceil", cx_math_ceil, 1),
	CX_LAZY_FN("cos", cx_math_cos, 1), CX_LAZY_FN("exp", cx_math_exp, 1),
	CX_LAZY_FN("floor", cx_math_floor, 1), CX_LAZY_FN("log", cx_math_log, 1),
	CX_LAZY_FN("max", cx_math_max, 2), CX_LAZY_FN("min", cx_math_min, 2),
	CX_LAZY_FN("pow", cx_math_pow, 2), CX_LAZY_FN("random", cx_math_random, 0),
	CX_LAZY_FN("round", cx_math_round, 1), CX_LAZY_FN("sin", cx_math_sin, 1),
	CX_LAZY_FN("sqrt", cx_math_sqrt, 1), CX_LAZY_FN("tan", cx_math_tan, 1),
	CX_LAZY_END
};
static cx_lazy cx_number_ctor = {CX_LAZY_NAME("Number"), cx_number_call, 1, CX_P_NUMBER,
				 cx_number_new, NULL, cx_number__consts};
static cx_lazy cx_math_obj = {CX_LAZY_NAME("Math"), NULL, 0, CX_L_MATH, NULL, cx_math_own,
			      cx_math__init};

int cx_lib_number(cx_ctx *X)
{
	if (cx_lib_ctor(X, &cx_number_ctor) ||
	    cx_lazy_add(X, CX_PROTO(X, CX_P_NUMBER), cx_number_protom) ||
	    cx_lazy_slot(X, X->heap->global, CX_STR_REF(cx_math_obj.name), &cx_math_obj))
		return ENOMEM;
	return 0;
}
