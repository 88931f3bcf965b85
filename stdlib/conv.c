/*
 * conv.c — the type conversions of ECMA-262 3rd edition, chapter 9.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include "cx_priv.h"

int cx_truthy(cx_value v)
{
	switch (v.tag) {
	case CX_T_BOOL: return v.u.b;
	case CX_T_NUM: return !(v.u.n == 0 || isnan(v.u.n));
	case CX_T_STR: return v.u.s->len != 0;
	case CX_T_OBJ: return 1;
	default: return 0;
	}
}

/* Section - Number to string (9.8.1)
 *
 * 9.8.1 wants the fewest significant digits that read back as the same double and, among
 * those, the ones closest to it. Three ways, cheapest first:
 *   - integers below 2^53: their own digits (most numbers a script prints);
 *   - doubles in [2^-73, 2^53) whose shortest form needs at most 21 fraction digits: an exact
 *     search in 128-bit integers for the first decimal scale whose grid holds a point inside
 *     the double's rounding interval (cx_conv__shortest);
 *   - everything else (huge, tiny): snprintf("%.*e") for 1..17 digits read back with strtod.
 */

/* 10^0 … 10^19: the powers of ten below 2^64. */
static const uint64_t cx_conv__p10_64[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

static const char cx_conv__two[] = "00010203040506070809101112131415161718192021222324252627282930313233"
				   "34353637383940414243444546474849505152535455565758596061626364656667"
				   "6869707172737475767778798081828384858687888990919293949596979899";

/* The number of decimal digits of u (1 for 0). The bit length b of u|1 gives t = floor(b·log10 2)
 * (1233/4096 is close enough for b <= 64), and u has t or t+1 digits: one comparison decides.
 * (u|1 has the digit count of u: 10^t - 1 is odd.) */
static inline int cx_conv__u64_len(uint64_t u)
{
	int t = ((64 - __builtin_clzll(u | 1)) * 1233) >> 12;

	return t + ((u | 1) >= cx_conv__p10_64[t]);
}

/* The eight digits of v (< 10^8, leading zeros included) at p, two at a time without division:
 * t = v·ceil(2^57/10^6) is v/10^6 in fixed point with 57 fraction bits, too large by less than
 * v/2^57 < 7e-10; each step takes the integer part (two digits) and multiplies the fraction by
 * 100, which multiplies the error too: 7e-4 at the last step, where the exact value is an
 * integer, and at each earlier step below the distance of the exact value (a multiple of
 * 10^-6, 10^-4, 10^-2) to the next integer. Every v was checked once; the unit test checks
 * three million. */
static inline void cx_conv__eight(char *p, uint32_t v)
{
	const uint64_t frac = ((uint64_t)1 << 57) - 1;
	uint64_t t = (uint64_t)v * 144115188076ull;

	memcpy(p, cx_conv__two + (t >> 57) * 2, 2);
	t = (t & frac) * 100;
	memcpy(p + 2, cx_conv__two + (t >> 57) * 2, 2);
	t = (t & frac) * 100;
	memcpy(p + 4, cx_conv__two + (t >> 57) * 2, 2);
	t = (t & frac) * 100;
	memcpy(p + 6, cx_conv__two + (t >> 57) * 2, 2);
}

/* The digits of u into digits, most significant first, written in place from the last one
 * back (the count is known first); returns their count. */
int cx_conv__u64_digits(uint64_t u, char *digits)
{
	int n = cx_conv__u64_len(u);
	char *p = digits + n;
	uint32_t v;

	while (u >= 100000000) { /* eight digits at a time off a 64-bit u, then 32-bit steps */
		uint64_t q = u / 100000000;
		cx_conv__eight(p -= 8, (uint32_t)(u - q * 100000000));
		u = q;
	}
	for (v = (uint32_t)u; v >= 100; v /= 100)
		memcpy(p -= 2, cx_conv__two + v % 100 * 2, 2);
	if (v >= 10)
		memcpy(p - 2, cx_conv__two + v * 2, 2);
	else
		p[-1] = (char)('0' + v);
	return n;
}

typedef unsigned __int128 cx_u128;

/* 10^s for s = 0 … 38 (10^38 < 2^127). */
static inline cx_u128 cx_conv__p10(int s)
{
	return s < 20 ? cx_conv__p10_64[s] : (cx_u128)cx_conv__p10_64[19] * cx_conv__p10_64[s - 19];
}

/* a·10^s for a < 2^55 and s <= 21, below 2^125: one 64-bit multiplication up to 10^19. */
static inline cx_u128 cx_conv__scale(uint64_t a, int s)
{
	if (s < 20)
		return (cx_u128)a * cx_conv__p10_64[s];
	return (cx_u128)a * cx_conv__p10_64[19] * (s == 20 ? 10u : 100u);
}

/* The integers c with c * 10^-s inside the interval [lo, hi] * 2^-k (its ends excluded unless
 * even): [*cl, *ch], empty when *cl > *ch. The least c with c·2^k >= lo·10^s (> when the end is
 * excluded) is floor((lo·10^s - even) / 2^k) + 1; the greatest with <= hi·10^s (<) is
 * floor((hi·10^s - !even) / 2^k). */
static inline void cx_conv__grid(uint64_t lo, uint64_t hi, int k, int even, int s, cx_u128 *cl,
				 cx_u128 *ch)
{
	*cl = ((cx_conv__scale(lo, s) - (unsigned)even) >> k) + 1;
	*ch = (cx_conv__scale(hi, s) - (unsigned)!even) >> k;
}

/* The integer nearest to c·10^s / 2^k (ties: even) for c < 2^55, s <= 21, 0 < k < 128, and in
 * *dist its distance |result·2^k - c·10^s|. */
static inline cx_u128 cx_conv__nearest(uint64_t c, int s, int k, cx_u128 *dist)
{
	cx_u128 c_s = cx_conv__scale(c, s), fl = c_s >> k, rem = c_s - (fl << k),
		half = (cx_u128)1 << (k - 1);

	if (rem > half || (rem == half && (fl & 1))) {
		*dist = ((cx_u128)1 << k) - rem;
		return fl + 1;
	}
	*dist = rem;
	return fl;
}

/* Shortest round-trip digits of a positive finite d, exactly: d = m * 2^q. A decimal reads back
 * as d when it lies inside d's rounding interval, the half-way points to its neighbours (which
 * belong to d when m is even: strtod breaks ties to even). In units of 2^(q-2) the interval is
 * [4m-2, 4m+2], or [4m-1, 4m+2] when m = 2^52 (the gap below a power of two is half as wide).
 * We look for the fewest decimal fraction digits s (0 … 21) for which an integer c has
 * c * 10^-s inside, and take the c nearest to d (ties: even c). A scale that has one is followed
 * by scales that have one too (each grid holds the coarser ones).
 *
 * The interval's width is w·2^-k (w = 4, or 3). The first scale s1 whose spacing 10^-s1 is
 * below the width has a point strictly inside; the one before has a spacing above it (a power
 * of ten is never w times a power of two), so it holds one point at most, and so does every
 * coarser one. So the answer is s1 - 1 when its grid has that point (its digits are those of
 * any coarser scale that has it too, trailing zeros aside), else s1 with the nearest of its
 * points: two tries at most. s1 comes from k within one and one comparison. Doubles whose s1
 * is above 22 (below about 10^-6) take a bisection of 0 … 21 instead, which is also the
 * reference the unit test checks the two tries against (cx_conv__shortest_ref). All products
 * fit in 128 bits while s <= 21 and q >= -125. Returns the digit count and sets *n (the
 * decimal point position, as 9.8.1's n), or 0 when d is out of reach. */
static int cx_conv__shortest_s(double d, char *digits, int *n, int bisect)
{
	int e, q, k, s, len, z, a = 0, b = 22, even;
	uint64_t m, c, lo, hi;
	cx_u128 cl, ch, bl = 0, bh = 0, c0, dist;

	memcpy(&m, &d, sizeof(m));
	e = (int)(m >> 52 & 0x7ff); /* the biased exponent: d = (2^52 + fraction) * 2^(e-1075) */
	if (!e || e == 0x7ff)
		return 0; /* subnormal (out of reach below anyway), infinite or NaN */
	q = e - 1075;
	if (q >= 0 || q < -125)
		return 0;
	m = (m & (((uint64_t)1 << 52) - 1)) | (uint64_t)1 << 52; /* 2^52 <= m < 2^53 */
	even = !(m & 1);
	c = m * 4;
	hi = c + 2;
	lo = m == ((uint64_t)1 << 52) ? c - 1 : c - 2;
	k = 2 - q; /* 3..127 */
	/* s1 - 1 >= floor(log10(2^k / 4)) >= floor((k - 2) * 1233 / 4096) */
	s = (((k - 2) * 1233) >> 12) + 1;
	if (!bisect && s <= 22) {
		if ((cx_u128)(hi - lo) * cx_conv__p10(s) <= (cx_u128)1 << k)
			s++; /* now s = s1 */
		if (s <= 22 && lo == c - 2) {
			/* The interval is symmetric: a scale's point nearest to d is inside when any
			 * is (it is at least as close), and at s1 it always is (half the spacing is
			 * below half the width). So one multiplication per try, no clamping. */
			cx_u128 hw = cx_conv__p10(s - 1) << 1; /* the half width at s1 - 1 */
			c0 = cx_conv__nearest(c, s - 1, k, &dist);
			if (dist < hw || (dist == hw && even)) {
				s--;
				goto digits;
			}
			if (s > 21)
				return 0;
			c0 = cx_conv__nearest(c, s, k, &dist);
			goto digits;
		}
		if (s <= 22) { /* below a power of two: the grid's ends */
			cx_conv__grid(lo, hi, k, even, s - 1, &cl, &ch);
			if (cl <= ch) { /* the only point of its scale */
				c0 = cl;
				s--;
				goto digits;
			}
			if (s > 21)
				return 0;
			cx_conv__grid(lo, hi, k, even, s, &cl, &ch);
			goto nearest;
		}
	}
	/* Bisection: the first two tries around 16 significant digits (most doubles made by
	 * arithmetic need 16 or 17), from the decimal exponent guessed off the binary one. */
	s = 16 - (((e - 1023) * 1233) >> 12) - 1;
	s = s < 0 ? 0 : s > 21 ? 21 : s;
	cx_conv__grid(lo, hi, k, even, s, &cl, &ch);
	if (cl <= ch)
		b = s--, bl = cl, bh = ch;
	else
		a = ++s;
	if (s >= a && s < b) {
		cx_conv__grid(lo, hi, k, even, s, &cl, &ch);
		if (cl <= ch)
			b = s, bl = cl, bh = ch;
		else
			a = s + 1;
	}
	while (a < b) {
		s = (a + b) / 2;
		cx_conv__grid(lo, hi, k, even, s, &cl, &ch);
		if (cl <= ch)
			b = s, bl = cl, bh = ch;
		else
			a = s + 1;
	}
	if (a > 21)
		return 0;
	s = a; /* == b, whose grid [bl, bh] a try found (b <= 21) */
	cl = bl;
	ch = bh;
nearest:
	c0 = cx_conv__nearest(c, s, k, &dist);
	if (c0 > ch)
		c0 = ch;
	if (c0 < cl)
		c0 = cl;
digits:
	if (c0 >> 64 || !c0)
		return 0;
	len = cx_conv__u64_digits((uint64_t)c0, digits);
	for (z = len; z > 1 && digits[z - 1] == '0'; z--)
		;
	*n = len - s;
	return z;
}

static int cx_conv__shortest(double d, char *digits, int *n)
{
	return cx_conv__shortest_s(d, digits, n, 0);
}

int cx_conv__shortest_ref(double d, char *digits, int *n)
{
	return cx_conv__shortest_s(d, digits, n, 1);
}

/* The old search, for the doubles cx_conv__shortest does not reach: the fewest %e digits that
 * read back. %e gives the candidate nearest to d, which is the one to take whenever any of its
 * length reads back, except below a power of two: there the interval is narrower under d than
 * over it, and the candidate one unit up may read back when the nearest (under d) does not. */
static int cx_conv__shortest_slow(double d, char *digits, int *n)
{
	char tmp[40], up[40], *p;
	int prec, k = 0, i;
	uint64_t bits;

	memcpy(&bits, &d, sizeof(bits));
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
		if (bits & (((uint64_t)1 << 52) - 1) || strtod(tmp, NULL) > d)
			continue;
		/* a power of two: the last digit one up, carrying ("9.9e-5" -> "1.0e-4") */
		memcpy(up, tmp, sizeof(up));
		for (p = strchr(up, 'e'), i = (int)(p - up) - 1; i >= 0; i--) {
			if (up[i] == '.')
				continue;
			if (up[i] != '9') {
				up[i]++;
				break;
			}
			up[i] = '0';
		}
		if (i < 0) /* every digit carried: 10.0…e(x+1) */
			snprintf(up, sizeof(up), "1%se%d", strchr(tmp, 'e') - tmp > 1 ? ".0" : "",
				 atoi(strchr(tmp, 'e') + 1) + 1);
		if (strtod(up, NULL) == d) {
			memcpy(tmp, up, sizeof(tmp));
			break;
		}
	}
	for (p = tmp; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[k++] = *p;
	*n = atoi(p + 1) + 1;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	return k;
}

int cx_conv__shortest_digits(double d, char *digits, int *n)
{
	int k = cx_conv__shortest(d, digits, n);

	return k ? k : cx_conv__shortest_slow(d, digits, n);
}

/* q[0..f) moved to q[1..f], f <= 16: the tail of a number, so writing past it (up to q + 17,
 * inside cx_num_format's 32 bytes) is harmless; two or four 8-byte moves. */
static inline void cx_conv__tail1(char *q, int f)
{
	uint64_t x, y;

	memcpy(&x, q, 8);
	if (f > 8) {
		memcpy(&y, q + 8, 8);
		memcpy(q + 9, &y, 8);
	}
	memcpy(q + 1, &x, 8);
}

/* The digits are made where most of them stay (at most 17: the shortest form never needs
 * more), then the fraction or the digits after the first move one place for the point. */
size_t cx_num_format(double d, char *buf)
{
	char *p = buf;
	int k, n;

	if (isnan(d))
		return memcpy(buf, "NaN", 4), 3;
	if (d == 0)
		return memcpy(buf, "0", 2), 1; /* -0 too */
	if (d < 0) {
		*p++ = '-';
		d = -d;
	}
	if (isinf(d))
		return memcpy(p, "Infinity", 9), (size_t)(p - buf) + 8;
	if (d < 9007199254740992.0 && d == (double)(uint64_t)d) {
		/* An integer below 2^53 is its own shortest form (k <= n <= 21 below). */
		k = cx_conv__u64_digits((uint64_t)d, p);
		p[k] = 0;
		return (size_t)(p - buf) + (size_t)k;
	}
	k = cx_conv__shortest_digits(d, p, &n);
	if (k <= n && n <= 21) {
		memset(p + k, '0', (size_t)(n - k));
		p += n;
	}
	else if (0 < n && n <= 21) {
		cx_conv__tail1(p + n, k - n);
		p[n] = '.';
		p += k + 1;
	}
	else if (-6 < n && n <= 0) {
		memmove(p + 2 - n, p, (size_t)k);
		p[0] = '0';
		p[1] = '.';
		memset(p + 2, '0', (size_t)-n);
		p += 2 - n + k;
	}
	else {
		if (k > 1) {
			cx_conv__tail1(p + 1, k - 1);
			p[1] = '.';
			p += k + 1;
		}
		else
			p++;
		*p++ = 'e';
		*p++ = n - 1 < 0 ? '-' : '+';
		p += cx_conv__u64_digits((uint64_t)abs(n - 1), p);
	}
	*p = 0;
	return (size_t)(p - buf);
}

/* The strings of the integers 0 … CX_INT_STRS-1, made once per process and shared by every
 * context (static strings: never collected, hash computed up front, so nothing writes them
 * after cx_conv__ints_make): `'item' + i`, an array index as a key, and the like then need
 * no allocation. */
#define CX_INT_STRS 1024
static struct cx_str_static cx_conv__ints[CX_INT_STRS];
static char cx_conv__int_chars[CX_INT_STRS][5]; /* NUL-terminated, as every string */
static pthread_once_t cx_conv__ints_once = PTHREAD_ONCE_INIT;
static int cx_conv__ints_ready;

static void cx_conv__ints_make(void)
{
	uint32_t i;

	for (i = 0; i < CX_INT_STRS; i++) {
		struct cx_str_static *e = &cx_conv__ints[i];
		e->gc = CX_STR_STATIC_MARK;
		e->len = (uint32_t)cx_conv__u64_digits(i, cx_conv__int_chars[i]);
		e->chars = cx_conv__int_chars[i];
		cx_str__hash((cx_str *)e);
	}
	__atomic_store_n(&cx_conv__ints_ready, 1, __ATOMIC_RELEASE);
}

cx_str *cx_str__small_int(uint32_t i)
{
	if (i >= CX_INT_STRS)
		return NULL;
	if (__builtin_expect(!__atomic_load_n(&cx_conv__ints_ready, __ATOMIC_ACQUIRE), 0))
		pthread_once(&cx_conv__ints_once, cx_conv__ints_make);
	return (cx_str *)&cx_conv__ints[i];
}

cx_str *cx_num_str(cx_ctx *X, double d)
{
	char b[40];
	size_t n;

	if (d >= 0 && d < CX_INT_STRS && d == (double)(uint32_t)d)
		return cx_str__small_int((uint32_t)d); /* -0 too: "0" */
	n = cx_num_format(d, b);

	return cx_str__new8(X, (const uint8_t *)b, n);
}

/* Section - String to number (9.3.1) */

static int cx_conv__digit(uint16_t c, int radix)
{
	int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10
		: c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
	return v < radix ? v : -1;
}

/* The decimal s[a, end) (sign, digits, '.', an exponent; the callers checked the syntax) as the
 * nearest double without strtod when that is exact arithmetic: at most 19 significant digits
 * making an integer m < 2^53 and a power of ten 10^e with |e| <= 22, both exact doubles, so
 * m * 10^e or m / 10^-e is one correctly rounded IEEE operation, the nearest double to the
 * decimal as 9.3.1 asks. Returns 0 (nothing set) when the value needs strtod. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define CX_CONV__EXACT_DIV 1
/* 10^0 … 10^22: the powers of ten that are exact doubles. */
static const double cx_conv__p10d[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
				       1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
				       1e21, 1e22};
#endif

int cx_num__dec_fast(const cx_str *s, uint32_t a, uint32_t end, double *r)
{
#ifdef CX_CONV__EXACT_DIV
	const double *p10 = cx_conv__p10d;
	cx_str_tmp t;
	const uint8_t *p = (const uint8_t *)cx_str__c8(s, &t);
	uint64_t m = 0;
	uint32_t i = a;
	int nd = 0, e = 0, x = 0, neg = 0, frac = 0, xneg = 0;
	uint8_t c;

	if (s->wide) /* digits in a 16-bit string: rare, strtod's */
		return 0;
	if (i < end && ((c = p[i]) == '-' || c == '+'))
		neg = c == '-', i++;
	for (; i < end; i++) {
		c = p[i];
		if (c == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		if (m || c != '0') { /* leading zeros are not significant */
			if (++nd > 19)
				return 0;
			m = m * 10 + (c - '0');
		}
		e -= frac;
	}
	if (i < end) { /* the exponent */
		if (++i < end && ((c = p[i]) == '-' || c == '+'))
			xneg = c == '-', i++;
		for (; i < end; i++) {
			if (x > 1000)
				return 0;
			x = x * 10 + (p[i] - '0');
		}
		e += xneg ? -x : x;
	}
	if (!m) {
		*r = neg ? -0.0 : 0.0;
		return 1;
	}
	if (m > (uint64_t)1 << 53 || e < -22 || e > 22)
		return 0;
	*r = e < 0 ? (double)m / p10[-e] : (double)m * p10[e];
	if (neg)
		*r = -*r;
	return 1;
#else
	(void)s, (void)a, (void)end, (void)r;
	return 0;
#endif
}

/* parseFloat's usual string in one pass (lib_global.c): 8-bit, no leading white space, a sign,
 * digits with at most one '.', no exponent, then anything (parseFloat reads the longest
 * prefix). Read as exactly as cx_num__dec_fast does: at most 19 significant digits making
 * m <= 2^53 and at most 22 fraction digits, one correctly rounded division. Returns 0 (nothing
 * set) for every other string, which the general scan takes. */
int cx_num__prefix_fast(const cx_str *s, double *r)
{
#ifdef CX_CONV__EXACT_DIV
	cx_str_tmp t;
	const uint8_t *p = (const uint8_t *)cx_str__c8(s, &t), *end = p + s->len, *a, *f;
	uint64_t m = 0;
	int nd = 0, e = 0, neg = 0;

	if (s->wide)
		return 0;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	/* Every digit goes into m (wrapping past 19 significant ones does not matter: they are
	 * refused); nd counts them from the first nonzero one. */
	for (a = p; p < end && (unsigned)(*p - '0') < 10; p++) {
		m = m * 10 + (uint64_t)(*p - '0');
		nd += m != 0;
	}
	if (p < end && *p == '.') {
		for (f = ++p; p < end && (unsigned)(*p - '0') < 10; p++) {
			m = m * 10 + (uint64_t)(*p - '0');
			nd += m != 0;
		}
		e = (int)(f - p);
		if (p - a == 1) /* "." or "-." alone: no digits */
			return 0;
	}
	if (p == a || nd > 19 || (p < end && (*p | 0x20) == 'e') || m > (uint64_t)1 << 53 || e < -22)
		return 0;
	*r = (double)m / cx_conv__p10d[-e];
	if (neg)
		*r = -*r;
	return 1;
#else
	(void)s, (void)r;
	return 0;
#endif
}

double cx_str_to_number(const cx_str *s)
{
	uint32_t a = 0, b = s->len, i, j;
	char buf[512], *tmp = buf;
	double r;
	int digits = 0;
	cx_str_tmp t;

	s = cx_str__rd(s, &t);
	while (a < b && cx_str__is_ws(cx_str__at(s, a)))
		a++;
	while (b > a && cx_str__is_ws(cx_str__at(s, b - 1)))
		b--;
	if (a == b)
		return 0;
	if (b - a > 2 && cx_str__at(s, a) == '0' && (cx_str__at(s, a + 1) | 0x20) == 'x') {
		r = 0;
		for (i = a + 2; i < b; i++) {
			int d = cx_conv__digit(cx_str__at(s, i), 16);
			if (d < 0)
				return NAN;
			r = r * 16 + d;
		}
		return r;
	}
	/* Check StrDecimalLiteral ourselves: strtod would also take "0x1p3", "nan", "inf". */
	i = a;
	if (cx_str__at(s, i) == '+' || cx_str__at(s, i) == '-')
		i++;
	if (b - i == 8) {
		static const char inf[] = "Infinity";
		for (j = 0; j < 8 && cx_str__at(s, i + j) == (uint8_t)inf[j]; j++)
			;
		if (j == 8)
			return cx_str__at(s, a) == '-' ? -INFINITY : INFINITY;
	}
	while (i < b && cx_conv__digit(cx_str__at(s, i), 10) >= 0)
		i++, digits++;
	if (i < b && cx_str__at(s, i) == '.') {
		i++;
		while (i < b && cx_conv__digit(cx_str__at(s, i), 10) >= 0)
			i++, digits++;
	}
	if (!digits)
		return NAN;
	if (i < b && (cx_str__at(s, i) | 0x20) == 'e') {
		i++;
		if (i < b && (cx_str__at(s, i) == '+' || cx_str__at(s, i) == '-'))
			i++;
		if (i >= b || cx_conv__digit(cx_str__at(s, i), 10) < 0)
			return NAN;
		while (i < b && cx_conv__digit(cx_str__at(s, i), 10) >= 0)
			i++;
	}
	if (i != b)
		return NAN;
	if (cx_num__dec_fast(s, a, b, &r))
		return r;
	if (b - a >= sizeof(buf)) {
		tmp = malloc(b - a + 1);
		if (!tmp)
			return NAN;
	}
	for (i = a; i < b; i++)
		tmp[i - a] = (char)cx_str__at(s, i);
	tmp[b - a] = 0;
	r = strtod(tmp, NULL);
	if (tmp != buf)
		free(tmp);
	return r;
}

/* Section - Conversions */

cx_value cx_to_primitive(cx_ctx *X, cx_value v, int hint)
{
	static const char *const order[2][2] = {{"valueOf", "toString"}, {"toString", "valueOf"}};
	int k, first;

	if (v.tag != CX_T_OBJ)
		return v;
	if (hint == 0)
		hint = v.u.o->cls == CX_C_DATE ? 2 : 1;
	first = hint == 2;
	for (k = 0; k < 2; k++) {
		cx_value f = cx_get_cstr(X, v, order[first][k]), r;
		if (cx_is_exc(f))
			return f;
		if (!cx_is_callable(f))
			continue;
		r = cx_call(X, f, v, 0, NULL);
		if (cx_is_exc(r) || r.tag != CX_T_OBJ)
			return r;
	}
	return cx_throw_error(X, "TypeError", "cannot convert object to primitive value");
}

int cx_to_num(cx_ctx *X, cx_value v, double *out)
{
	switch (v.tag) {
	case CX_T_NUM: *out = v.u.n; return 0;
	case CX_T_UNDEF: *out = NAN; return 0;
	case CX_T_NULL: *out = 0; return 0;
	case CX_T_BOOL: *out = v.u.b; return 0;
	case CX_T_STR: *out = cx_str_to_number(v.u.s); return 0;
	case CX_T_OBJ:
		v = cx_to_primitive(X, v, 1);
		if (cx_is_exc(v))
			return -1;
		return cx_to_num(X, v, out);
	default:
		return -1;
	}
}

cx_value cx_to_number(cx_ctx *X, cx_value v)
{
	double d;

	if (v.tag == CX_T_NUM)
		return v;
	if (cx_to_num(X, v, &d))
		return CX_EXCEPTION;
	return cx_num(d);
}

CX_STR_DEF(cx_s_undefined, "undefined");
CX_STR_DEF(cx_s_null, "null");
CX_STR_DEF(cx_s_true, "true");
CX_STR_DEF(cx_s_false, "false");
cx_str *const cx_prim_strs[4] = {CX_STR_REF(cx_s_undefined), CX_STR_REF(cx_s_null), CX_STR_REF(cx_s_false),
				 CX_STR_REF(cx_s_true)};

cx_str *cx_to_str(cx_ctx *X, cx_value v)
{
	switch (v.tag) {
	case CX_T_STR: return v.u.s;
	case CX_T_UNDEF: return CX_STR_REF(cx_s_undefined);
	case CX_T_NULL: return CX_STR_REF(cx_s_null);
	case CX_T_BOOL: return v.u.b ? CX_STR_REF(cx_s_true) : CX_STR_REF(cx_s_false);
	case CX_T_NUM: return cx_num_str(X, v.u.n);
	case CX_T_OBJ:
		v = cx_to_primitive(X, v, 2);
		if (cx_is_exc(v))
			return NULL;
		return cx_to_str(X, v);
	default:
		return NULL;
	}
}

cx_value cx_to_string(cx_ctx *X, cx_value v)
{
	cx_str *s = cx_to_str(X, v);

	return s ? cx_strv(s) : CX_EXCEPTION;
}

cx_value cx_to_object(cx_ctx *X, cx_value v)
{
	cx_obj *o;
	int cls, p;

	switch (v.tag) {
	case CX_T_OBJ: return v;
	case CX_T_BOOL: cls = CX_C_BOOLEAN, p = CX_P_BOOLEAN; break;
	case CX_T_NUM: cls = CX_C_NUMBER, p = CX_P_NUMBER; break;
	case CX_T_STR: cls = CX_C_STRING, p = CX_P_STRING; break;
	case CX_T_EXC: return v;
	default:
		return cx_throw_error(X, "TypeError", "cannot convert %s to object",
				      v.tag == CX_T_NULL ? "null" : "undefined");
	}
	o = cx_obj__new(X, cls, CX_PROTO(X, p));
	if (!o)
		return CX_EXCEPTION;
	o->prim = v;
	return cx_objv(o);
}

double cx_to_integer_d(double d)
{
	if (fabs(d) < 9007199254740992.0) { /* truncation by a cast, without floor's call */
		double t = (double)(int64_t)d;
		if (t == d)
			return d;
		return t == 0 && d < 0 ? -0.0 : t;
	}
	if (isnan(d))
		return 0;
	if (d == 0 || isinf(d))
		return d;
	return d < 0 ? -floor(-d) : floor(d);
}

uint32_t cx_dtou32(double d)
{
	double m;

	/* In range: the C conversion truncates like ToInteger; a negative int32 wraps mod 2^32
	 * through the int32_t cast (the common case of ^, <<, >> on negative values). */
	if (d >= 0 && d < 4294967296.0)
		return (uint32_t)d;
	if (d < 0 && d >= -2147483648.0)
		return (uint32_t)(int32_t)d;
	if (isnan(d) || isinf(d))
		return 0;
	m = fmod(cx_to_integer_d(d), 4294967296.0);
	if (m < 0)
		m += 4294967296.0;
	return (uint32_t)m;
}

int32_t cx_dtoi32(double d)
{
	uint32_t u = cx_dtou32(d);

	return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) - 0x7fffffff - 1 : (int32_t)u;
}

cx_value cx_to_int32(cx_ctx *X, cx_value v)
{
	double d;

	if (cx_to_num(X, v, &d))
		return CX_EXCEPTION;
	return cx_num(cx_dtoi32(d));
}

cx_value cx_to_uint32(cx_ctx *X, cx_value v)
{
	double d;

	if (cx_to_num(X, v, &d))
		return CX_EXCEPTION;
	return cx_num(cx_dtou32(d));
}
