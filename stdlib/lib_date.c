/*
 * lib_date.c — Date (ES3 15.9, with the ES5 additions people use: Date.now, toISOString,
 * toJSON and ISO 8601 in Date.parse).
 *
 * A Date holds a time value (ms since 1970-01-01T00:00:00Z, or NaN) in obj->prim. All calendar
 * arithmetic is the spec's own (15.9.1: Day, YearFromTime, MakeDay…), done in doubles, so it
 * holds for the whole ±8.64e15 ms range. Local time comes from the C library (localtime_r and
 * tm_gmtoff, so TZ decides); LocalTZA and DaylightSavingTA are not separated, the library's
 * offset for that instant covers both, as ES5.1 15.9.1.8 permits. The zone's name in toString's
 * brackets is node's (ICU's English long name, tznames.h), not the library's abbreviation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>
#include "cx_priv.h"
#include "tznames.h"

#define CX_MSDAY 86400000.0

static const char *const cx_date__wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const cx_date__mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Section - Time arithmetic (15.9.1) */

static double cx_date__day(double t) { return floor(t / CX_MSDAY); }

static double cx_date__mod(double a, double b)
{
	double r = fmod(a, b);
	return r < 0 ? r + b : r;
}

static double cx_date__day_from_year(double y)
{
	return 365 * (y - 1970) + floor((y - 1969) / 4) - floor((y - 1901) / 100) + floor((y - 1601) / 400);
}

static int cx_date__leap(double y)
{
	return fmod(y, 4) == 0 && (fmod(y, 100) != 0 || fmod(y, 400) == 0);
}

static double cx_date__year(double t)
{
	double y = floor(t / (CX_MSDAY * 365.2425)) + 1970;

	while (cx_date__day_from_year(y) * CX_MSDAY > t)
		y--;
	while (cx_date__day_from_year(y + 1) * CX_MSDAY <= t)
		y++;
	return y;
}

/* Month (0-11) and date (1-31) of t. */
static void cx_date__md(double t, int *mon, int *date)
{
	static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
	double y = cx_date__year(t);
	int d = (int)(cx_date__day(t) - cx_date__day_from_year(y)), leap = cx_date__leap(y), m;

	for (m = 11; m > 0; m--)
		if (d >= cum[m] + (m >= 2 ? leap : 0))
			break;
	*mon = m;
	*date = d - cum[m] - (m >= 2 ? leap : 0) + 1;
}

static double cx_date__make_time(double h, double m, double s, double ms)
{
	if (!isfinite(h) || !isfinite(m) || !isfinite(s) || !isfinite(ms))
		return NAN;
	return cx_to_integer_d(h) * 3600000.0 + cx_to_integer_d(m) * 60000.0 +
	       cx_to_integer_d(s) * 1000.0 + cx_to_integer_d(ms);
}

static double cx_date__make_day(double y, double m, double d)
{
	static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	double ym, mn;

	if (!isfinite(y) || !isfinite(m) || !isfinite(d))
		return NAN;
	y = cx_to_integer_d(y);
	m = cx_to_integer_d(m);
	d = cx_to_integer_d(d);
	ym = y + floor(m / 12);
	mn = cx_date__mod(m, 12);
	if (fabs(ym) > 400000)
		return NAN;
	return cx_date__day_from_year(ym) + cum[(int)mn] + (mn >= 2 && cx_date__leap(ym)) + d - 1;
}

static double cx_date__make_date(double day, double time)
{
	if (!isfinite(day) || !isfinite(time))
		return NAN;
	return day * CX_MSDAY + time;
}

static double cx_date__clip(double t)
{
	if (!isfinite(t) || fabs(t) > 8.64e15)
		return NAN;
	return cx_to_integer_d(t) + 0; /* + 0 turns -0 into +0 */
}

/* Section - The zone's name (toString, toTimeString) */

/* The zone of this process as ICU (so node) finds it: TZ without a leading ':' or a "posix/" or
 * "right/" directory, else the file /etc/localtime resolves to, from its "/zoneinfo/" on; its
 * entry in tznames.h, NULL when it has none (an unknown zone, a POSIX rule string). Looked up
 * again only when TZ changes (programs read it once, cx_lib_date's tzset; tests change it). */
static const struct cx_tzn_zone *cx_date__zone;
static int cx_date__zone_state; /* 0 not looked up, 1 for TZ unset, 2 for TZ = cx_date__zone_tz */
static char cx_date__zone_tz[64];

static const struct cx_tzn_zone *cx_date__zone_find(const char *id)
{
	size_t lo = 0, hi = CX_TZN_ZONES;

	if (!strncmp(id, "posix/", 6) || !strncmp(id, "right/", 6))
		id += 6;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(id, cx_tzn_ids + cx_tzn_zones[mid].id);
		if (!c)
			return &cx_tzn_zones[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A file's bytes (zoneinfo files are under 4 KB; a larger one is not a zone): its length, or
 * -1. */
static long cx_date__slurp(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "rb");
	size_t k;

	if (!f)
		return -1;
	k = fread(buf, 1, n, f);
	fclose(f);
	return k < n ? (long)k : -1;
}

/* A copied (not linked) /etc/localtime: the zone of the table whose file has the same bytes,
 * as ICU looks for it in the zoneinfo directory; a missing one is UTC, as for the C library
 * and ICU. Once per process at most: only without TZ. */
static const struct cx_tzn_zone *cx_date__zone_copied(void)
{
	char a[8192], b[8192], path[PATH_MAX];
	long na = cx_date__slurp("/etc/localtime", a, sizeof(a));
	size_t i;

	if (na < 0)
		return access("/etc/localtime", F_OK) ? cx_date__zone_find("UTC") : NULL;
	for (i = 0; i < CX_TZN_ZONES; i++) {
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", cx_tzn_ids + cx_tzn_zones[i].id);
		if (cx_date__slurp(path, b, sizeof(b)) == na && !memcmp(a, b, (size_t)na))
			return &cx_tzn_zones[i];
	}
	return NULL;
}

static void cx_date__zone_init(void)
{
	const char *tz = getenv("TZ"), *tail;
	char path[PATH_MAX];

	if (tz ? cx_date__zone_state == 2 && !strcmp(tz, cx_date__zone_tz) : cx_date__zone_state == 1)
		return;
	cx_date__zone = NULL;
	cx_date__zone_state = tz ? 2 : 1;
	if (tz) {
		snprintf(cx_date__zone_tz, sizeof(cx_date__zone_tz), "%s", tz);
		cx_date__zone = cx_date__zone_find(tz[0] == ':' ? tz + 1 : tz);
	}
	else if (realpath("/etc/localtime", path) && (tail = strstr(path, "/zoneinfo/")))
		cx_date__zone = cx_date__zone_find(tail + 10);
	else
		cx_date__zone = cx_date__zone_copied();
}

/* Whether ICU counts the local time tm (of instant s) as daylight time: the C library's
 * tm_isdst, except for the tz data's "negative DST" (Europe/Dublin's winter, Morocco's Ramadan
 * are a DST of -1 h, where ICU's data has the other part of the year as daylight time). The
 * nearest instant of the other kind within 200 days (looked for every 25 days: Ramadan lasts
 * 29 or 30) tells: a DST with a smaller offset than that standard time is ICU's standard time,
 * a standard time with a larger offset than that DST ICU's daylight time. */
static int cx_date__daylight(time_t s, const struct tm *tm)
{
	int dst = tm->tm_isdst > 0, k;
	struct tm o;

	for (k = 1; k <= 16; k++) {
		time_t s2 = s + (k & 1 ? 1 : -1) * (time_t)((k + 1) / 2) * 25 * 86400;
		if (!localtime_r(&s2, &o) || (o.tm_isdst > 0) == dst)
			continue;
		if (dst ? o.tm_gmtoff > tm->tm_gmtoff : o.tm_gmtoff < tm->tm_gmtoff)
			return !dst;
		break;
	}
	return dst;
}

/* The instant whose daylight time decides the name for t, as V8's: t itself from 1970 to
 * 2038-01-19T03:14:07Z (2^31 - 1 s), else the same day and time of an equivalent year (ES5.1
 * 15.9.1.8: same leap-ness and weekday of 1 January) of 2008-2035: the 28-year cycle holds each
 * leap year once, each common year three times, and V8 takes the one 12 * weekday years after
 * 1967 (1956 for leap years), modulo 28. So node names 1 July 1900 in Paris "Central European
 * Summer Time" at +0009. */
static time_t cx_date__name_instant(double t)
{
	double y, day = cx_date__day(t), eq;
	int mon, date, wd, leap;

	if (t >= 0 && t <= 2147483647000.0)
		return (time_t)floor(t / 1000);
	y = cx_date__year(t);
	cx_date__md(t, &mon, &date);
	leap = cx_date__leap(y);
	wd = (int)cx_date__mod(cx_date__day_from_year(y) + 4, 7);
	eq = 2008 + cx_date__mod((leap ? 1956 : 1967) + (wd * 12) % 28 - 2008, 28);
	return (time_t)floor((cx_date__make_day(eq, mon, date) * CX_MSDAY + (t - day * CX_MSDAY)) / 1000);
}

/* The name toString writes for instant t, whose local time is tm: the zone's long name,
 * standard or daylight, or ICU's fallback for a zone without one, "GMT+hh:mm" of the offset. */
static void cx_date__zone_name(double t, const struct tm *tm, char *zone, size_t zn)
{
	const struct cx_tzn_zone *z;
	long m = (tm->tm_gmtoff < 0 ? -tm->tm_gmtoff : tm->tm_gmtoff) / 60;

	cx_date__zone_init();
	if ((z = cx_date__zone)) {
		int k = z->std;
		if (z->dst != CX_TZN_NONE) {
			time_t s = cx_date__name_instant(t);
			struct tm tm2;
			if (localtime_r(&s, &tm2) && cx_date__daylight(s, &tm2))
				k = z->dst;
		}
		snprintf(zone, zn, "%s", cx_tzn_names + cx_tzn_name_off[k]);
		return;
	}
	snprintf(zone, zn, "GMT%c%02ld:%02ld", tm->tm_gmtoff < 0 ? '-' : '+', m / 60, m % 60);
}

/* Section - Local time */

/* The local offset (ms, DST included) at UTC instant t, and (zone not NULL) the zone's name. */
static double cx_date__offset(double t, char *zone, size_t zn)
{
	time_t s = (time_t)floor(t / 1000);
	struct tm tm;

	if (zone && zn)
		zone[0] = 0;
	if (!isfinite(t) || !localtime_r(&s, &tm))
		return 0;
	if (zone && zn)
		cx_date__zone_name(t, &tm, zone, zn);
	return (double)tm.tm_gmtoff * 1000.0;
}

static double cx_date__local(double t) { return t + cx_date__offset(t, NULL, 0); }

/* UTC(t) for a local time value t (15.9.1.9): the offset in force at that local time. Near a
 * transition the offsets a day before and after differ; a local time that exists twice (autumn)
 * takes the earlier offset, one that does not exist (the spring gap) is read with the offset
 * before the gap, as ES2015 and node do: 02:30 on a spring-forward night becomes 03:30. */
static double cx_date__utc(double t)
{
	double ob, oa, ub, ua;

	if (!isfinite(t))
		return NAN;
	ob = cx_date__offset(t - CX_MSDAY, NULL, 0);
	oa = cx_date__offset(t + CX_MSDAY, NULL, 0);
	if (ob == oa)
		return t - ob;
	ub = t - ob;
	ua = t - oa;
	if (ub + cx_date__offset(ub, NULL, 0) == t)
		return ub;
	if (ua + cx_date__offset(ua, NULL, 0) == t)
		return ua;
	return ub;
}

/* ms the runtime's virtual clock has skipped (docs/sim.md): Date sees the program's time */
static int64_t cx_date__skew;

void cx_date_skew(int64_t ms)
{
	cx_date__skew = ms;
}

static double cx_date__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1000 + (double)(ts.tv_nsec / 1000000) + (double)cx_date__skew;
}

/* Broken-down fields of a time value (already shifted to local time when wanted). */
typedef struct cx_dt {
	double year;
	int mon, date, wday, h, m, s, ms;
} cx_dt;

static void cx_date__split(double t, cx_dt *f)
{
	double tw = cx_date__mod(t, CX_MSDAY);

	f->year = cx_date__year(t);
	cx_date__md(t, &f->mon, &f->date);
	f->wday = (int)cx_date__mod(cx_date__day(t) + 4, 7);
	f->h = (int)(tw / 3600000);
	f->m = (int)fmod(tw / 60000, 60);
	f->s = (int)fmod(tw / 1000, 60);
	f->ms = (int)fmod(tw, 1000);
}

/* Section - Parsing (Date.parse, new Date(string)) */

static int cx_dp__digits(const char *s, int n, int *out)
{
	int v = 0, k;

	for (k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	*out = v;
	return 0;
}

/* ES5 15.9.1.15 (and ES2015's reading of a missing offset: a date alone is UTC, a date with a
 * time is local time). Also takes a space for the T. NaN if s is not in this format. */
static double cx_dp__iso(const char *s)
{
	int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0, ms = 0, sign = 1, local = 0, k, oh, om;
	double t, off = 0;

	if ((*s == '+' || *s == '-') && !cx_dp__digits(s + 1, 6, &y)) {
		sign = *s == '-' ? -1 : 1;
		s += 7;
	}
	else if (!cx_dp__digits(s, 4, &y))
		s += 4;
	else
		return NAN;
	if (*s == '-') {
		if (cx_dp__digits(s + 1, 2, &mo))
			return NAN;
		s += 3;
		if (*s == '-') {
			if (cx_dp__digits(s + 1, 2, &d))
				return NAN;
			s += 3;
		}
	}
	if (*s == 'T' || *s == 't' || (*s == ' ' && s[1] >= '0' && s[1] <= '9')) {
		if (cx_dp__digits(s + 1, 2, &h) || s[3] != ':' || cx_dp__digits(s + 4, 2, &mi))
			return NAN;
		s += 6;
		local = 1;
		if (*s == ':') {
			if (cx_dp__digits(s + 1, 2, &sec))
				return NAN;
			s += 3;
			if (*s == '.' || *s == ',') {
				int digits = 0;
				s++;
				/* first three digits are milliseconds, the rest are ignored */
				for (k = 0; s[k] >= '0' && s[k] <= '9'; k++)
					if (k < 3)
						ms = ms * 10 + (s[k] - '0'), digits++;
				if (!k)
					return NAN;
				while (digits++ < 3)
					ms *= 10;
				s += k;
			}
		}
		if (*s == 'Z' || *s == 'z')
			local = 0, s++;
		else if (*s == '+' || *s == '-') {
			if (cx_dp__digits(s + 1, 2, &oh))
				return NAN;
			if (s[3] == ':') {
				if (cx_dp__digits(s + 4, 2, &om))
					return NAN;
				k = 6;
			}
			else if (cx_dp__digits(s + 3, 2, &om))
				om = 0, k = 3;
			else
				k = 5;
			if (oh > 23 || om > 59)
				return NAN;
			off = (*s == '-' ? -1 : 1) * (oh * 60 + om) * 60000.0;
			local = 0;
			s += k;
		}
	}
	else if (*s == 'Z')
		s++;
	if (*s)
		return NAN;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 59 ||
	    (h == 24 && (mi || sec || ms)) || (sign < 0 && y == 0))
		return NAN;
	t = cx_date__make_date(cx_date__make_day(sign * y, mo - 1, d), cx_date__make_time(h, mi, sec, ms));
	t = local ? cx_date__utc(t) : t - off;
	return cx_date__clip(t);
}

static int cx_dp__word(const char *w, size_t n, const char *const *tab, int count)
{
	int i;

	if (n < 3)
		return -1;
	for (i = 0; i < count; i++)
		if (strncasecmp(w, tab[i], 3) == 0)
			return i;
	return -1;
}

/* The other usual formats, read token by token as browsers do:
 *   "Tue Nov 24 2026 13:41:00 GMT-0500 (EST)"   (toString)
 *   "Tue, 24 Nov 2026 13:41:00 GMT"             (toUTCString, RFC 1123 / 822, "+0000" too)
 *   "Nov 24, 2026", "November 24, 2026 1:41 PM", "11/24/2026 13:41:00", "2026/11/24 13:41"
 * Without a zone the time is local. NaN when the string does not make a date. */
static double cx_dp__loose(const char *s)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
					     "jul", "aug", "sep", "oct", "nov", "dec"};
	static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	double y = NAN, off = 0, t;
	int mon = -1, day = -1, h = -1, mi = 0, sec = 0, ampm = 0, zone = 0, nums[3] = {0}, nn = 0;

	while (*s) {
		const char *w = s;
		if (*s == ' ' || *s == ',' || *s == '\t') {
			s++;
			continue;
		}
		if (*s == '(') { /* a comment, e.g. the zone name toString appends */
			int depth = 0;
			for (; *s; s++) {
				depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
				if (!depth) {
					s++;
					break;
				}
			}
			continue;
		}
		if ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') {
			size_t n;
			int k;
			while ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z')
				s++;
			n = (size_t)(s - w);
			if ((n == 2 && strncasecmp(w, "am", 2) == 0) || (n == 2 && strncasecmp(w, "pm", 2) == 0)) {
				if (h < 0 || h > 12 || ampm)
					return NAN;
				ampm = (w[0] | 0x20) == 'p' ? 2 : 1;
			}
			else if ((n == 3 && (strncasecmp(w, "gmt", 3) == 0 || strncasecmp(w, "utc", 3) == 0)) ||
				 (n == 2 && strncasecmp(w, "ut", 2) == 0) || (n == 1 && (*w | 0x20) == 'z'))
				zone = 1;
			else if ((k = cx_dp__word(w, n, months, 12)) >= 0) {
				if (mon >= 0)
					return NAN;
				mon = k;
			}
			else if (cx_dp__word(w, n, days, 7) >= 0)
				;
			else if (n == 1 && (*w | 0x20) == 't' && h < 0)
				;
			else
				return NAN;
			continue;
		}
		if ((*s == '+' || *s == '-') && h >= 0 && s[1] >= '0' && s[1] <= '9') {
			/* a numeric zone after the time: +hhmm, +hh:mm or +hh */
			int sign = *s == '-' ? -1 : 1, v = 0, k = 0;
			s++;
			while (*s >= '0' && *s <= '9' && k < 4)
				v = v * 10 + (*s++ - '0'), k++;
			if (*s == ':' && k == 2) {
				int m2 = 0;
				if (cx_dp__digits(s + 1, 2, &m2))
					return NAN;
				v = v * 100 + m2;
				s += 3;
				k = 4;
			}
			if (k <= 2)
				v *= 100;
			if (v % 100 > 59)
				return NAN;
			off = sign * ((v / 100) * 60 + v % 100) * 60000.0;
			zone = 1;
			continue;
		}
		if (*s >= '0' && *s <= '9') {
			double v = 0;
			int k = 0;
			while (*s >= '0' && *s <= '9' && k < 9)
				v = v * 10 + (*s++ - '0'), k++;
			if (*s == ':') { /* h:m[:s[.ms]] */
				int ms2 = 0;
				if (h >= 0 || v > 24)
					return NAN;
				h = (int)v;
				s++;
				if (*s < '0' || *s > '9')
					return NAN;
				mi = (int)strtol(s, (char **)&s, 10);
				if (*s == ':') {
					s++;
					if (*s < '0' || *s > '9')
						return NAN;
					sec = (int)strtol(s, (char **)&s, 10);
					if (*s == '.') {
						s++;
						for (k = 0; *s >= '0' && *s <= '9'; s++, k++)
							if (k < 3)
								ms2 = ms2 * 10 + (*s - '0');
						while (k++ < 3)
							ms2 *= 10;
					}
				}
				if (mi > 59 || sec > 59)
					return NAN;
				sec = sec * 1000 + ms2; /* seconds carry the milliseconds from here on */
				continue;
			}
			if (*s == '/') { /* m/d/y, or y/m[/d] when the first number has 3 digits or more */
				long p2, p3 = 1;
				char *e;
				if (mon >= 0 || !isnan(y))
					return NAN;
				if (s[1] < '0' || s[1] > '9')
					return NAN;
				p2 = strtol(s + 1, &e, 10);
				s = e;
				if (*s == '/') {
					if (s[1] < '0' || s[1] > '9')
						return NAN;
					p3 = strtol(s + 1, &e, 10);
					if (k < 3 && e - s - 1 <= 2) /* a two-digit year */
						p3 += p3 < 50 ? 2000 : 1900;
					s = e;
				}
				else if (k < 3) /* m/d: no year */
					return NAN;
				if (*s == '/' || p2 > 99999 || p3 > 9999999) /* no wrap into range below */
					return NAN;
				if (k >= 3) {
					y = v;
					mon = (int)p2 - 1;
					day = (int)p3;
				}
				else {
					mon = (int)v - 1;
					day = (int)p2;
					y = (double)p3;
				}
				if (mon < 0 || mon > 11 || day < 1 || day > 31)
					return NAN;
				continue;
			}
			if (nn == 3)
				return NAN;
			nums[nn++] = (int)v;
			if (k >= 3 || v > 31) {
				if (!isnan(y))
					return NAN;
				y = v;
				nn--;
			}
			continue;
		}
		return NAN;
	}
	/* Remaining plain numbers: the day, then the year. */
	if (nn >= 1) {
		if (day < 0)
			day = nums[0];
		else if (isnan(y))
			y = nums[0];
		else
			return NAN;
	}
	if (nn >= 2) {
		if (!isnan(y))
			return NAN;
		y = nums[1] + (nums[1] < 50 ? 2000 : nums[1] < 100 ? 1900 : 0);
	}
	if (nn == 3 || mon < 0 || day < 1 || day > 31 || isnan(y))
		return NAN;
	if (h < 0)
		h = 0;
	if (ampm) {
		if (h == 0 || h > 12)
			return NAN;
		h = h % 12 + (ampm == 2 ? 12 : 0);
	}
	t = cx_date__make_date(cx_date__make_day(y, mon, day), cx_date__make_time(h, mi, 0, sec));
	t = zone ? t - off : cx_date__utc(t);
	return cx_date__clip(t);
}

static double cx_date__parse(cx_ctx *X, cx_str *str)
{
	char buf[128];
	uint32_t i, a = 0, b = str->len;
	int depth = 0;
	double t;

	while (a < b && cx_str__is_ws(cx_str__at(str, a)))
		a++;
	while (b > a && cx_str__is_ws(cx_str__at(str, b - 1)))
		b--;
	if (b - a >= sizeof(buf))
		return NAN;
	for (i = a; i < b; i++) {
		uint16_t c = cx_str__at(str, i);
		depth += c == '(' ? 1 : c == ')' && depth ? -1 : 0;
		if (c >= 0x80 && depth) /* in a comment, as toString's "(Türkiye Standard Time)" */
			c = '?';
		if (c >= 0x80 || c == 0)
			return NAN;
		buf[i - a] = (char)c;
	}
	buf[b - a] = 0;
	t = cx_dp__iso(buf);
	return isnan(t) ? cx_dp__loose(buf) : t;
}

/* Section - Formatting */

/* toString's year (ES2018 20.3.4.41.2): a sign for years before 0, at least four digits */
static void cx_date__year_str(char *b, size_t n, double y)
{
	snprintf(b, n, "%s%04.0f", y < 0 ? "-" : "", fabs(y));
}

/* which: 0 toString, 1 toDateString, 2 toTimeString, 3 toUTCString, 4 toISOString,
 * 5 toLocaleString, 6 toLocaleDateString, 7 toLocaleTimeString */
static cx_value cx_date__format(cx_ctx *X, double t, int which)
{
	char buf[160], ys[24], zone[96];
	double off = 0, ly;
	cx_dt f;
	int oa;

	if (isnan(t)) {
		if (which == 4)
			return cx_throw_error(X, "RangeError", "invalid time value");
		return cx_str_cstr(X, "Invalid Date");
	}
	zone[0] = 0;
	if (which != 3 && which != 4) /* only toString and toTimeString name the zone */
		off = cx_date__offset(t, which == 0 || which == 2 ? zone : NULL, sizeof(zone));
	cx_date__split(t + off, &f);
	cx_date__year_str(ys, sizeof(ys), f.year);
	if (which == 4 && (f.year < 0 || f.year > 9999))
		snprintf(ys, sizeof(ys), "%c%06.0f", f.year < 0 ? '-' : '+', fabs(f.year));
	oa = (int)(fabs(off) / 60000);
	/* the en-US locale's year is the year of its era, unpadded, the era not written (as node's
	 * ICU: 1 BC, the year 0, is "1") */
	ly = f.year > 0 ? f.year : 1 - f.year;
	switch (which) {
	case 0:
		snprintf(buf, sizeof(buf), "%s %s %02d %s %02d:%02d:%02d GMT%c%02d%02d%s%s%s",
			 cx_date__wd[f.wday], cx_date__mon[f.mon], f.date, ys, f.h, f.m, f.s,
			 off < 0 ? '-' : '+', oa / 60, oa % 60, zone[0] ? " (" : "", zone, zone[0] ? ")" : "");
		break;
	case 1:
		snprintf(buf, sizeof(buf), "%s %s %02d %s", cx_date__wd[f.wday], cx_date__mon[f.mon], f.date, ys);
		break;
	case 2:
		snprintf(buf, sizeof(buf), "%02d:%02d:%02d GMT%c%02d%02d%s%s%s", f.h, f.m, f.s,
			 off < 0 ? '-' : '+', oa / 60, oa % 60, zone[0] ? " (" : "", zone, zone[0] ? ")" : "");
		break;
	case 3:
		snprintf(buf, sizeof(buf), "%s, %02d %s %s %02d:%02d:%02d GMT", cx_date__wd[f.wday], f.date,
			 cx_date__mon[f.mon], ys, f.h, f.m, f.s);
		break;
	case 4:
		snprintf(buf, sizeof(buf), "%s-%02d-%02dT%02d:%02d:%02d.%03dZ", ys, f.mon + 1, f.date,
			 f.h, f.m, f.s, f.ms);
		break;
	case 5:
		snprintf(buf, sizeof(buf), "%d/%d/%.0f, %d:%02d:%02d %s", f.mon + 1, f.date, ly,
			 f.h % 12 ? f.h % 12 : 12, f.m, f.s, f.h < 12 ? "AM" : "PM");
		break;
	case 6:
		snprintf(buf, sizeof(buf), "%d/%d/%.0f", f.mon + 1, f.date, ly);
		break;
	default:
		snprintf(buf, sizeof(buf), "%d:%02d:%02d %s", f.h % 12 ? f.h % 12 : 12, f.m, f.s,
			 f.h < 12 ? "AM" : "PM");
		break;
	}
	return cx_str_cstr(X, buf);
}

/* Section - Constructor */

static cx_value cx_date_call(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_date__format(X, cx_date__now(), 0);
}

/* Reads up to 7 numeric arguments into v (missing ones keep their defaults). */
static int cx_date__args(cx_ctx *X, int argc, cx_value *argv, int max, double *v)
{
	int i;

	for (i = 0; i < argc && i < max; i++)
		if (cx_to_num(X, argv[i], &v[i]))
			return -1;
	return 0;
}

static double cx_date__from_fields(const double *v)
{
	double y = v[0];

	if (!isnan(y)) {
		double yi = cx_to_integer_d(y);
		if (yi >= 0 && yi <= 99)
			y = 1900 + yi;
	}
	return cx_date__make_date(cx_date__make_day(y, v[1], v[2]), cx_date__make_time(v[3], v[4], v[5], v[6]));
}

static cx_value cx_date_new(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *o;
	double t;

	if (argc == 0)
		t = cx_date__now();
	else if (argc == 1) {
		cx_value p = cx_to_primitive(X, argv[0], 0);
		if (cx_is_exc(p))
			return p;
		if (p.tag == CX_T_STR)
			t = cx_date__parse(X, p.u.s);
		else if (cx_to_num(X, p, &t))
			return CX_EXCEPTION;
		t = cx_date__clip(t);
	}
	else {
		double v[7] = {NAN, NAN, 1, 0, 0, 0, 0};
		if (cx_date__args(X, argc, argv, 7, v))
			return CX_EXCEPTION;
		t = cx_date__clip(cx_date__utc(cx_date__from_fields(v)));
	}
	if (!(o = cx_obj__new(X, CX_C_DATE, CX_PROTO(X, CX_P_DATE))))
		return CX_EXCEPTION;
	o->prim = cx_num(t);
	return cx_objv(o);
}

static cx_value cx_date_parse(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_str *s = cx_to_str(X, CX_ARG(0));
	return s ? cx_num(cx_date__parse(X, s)) : CX_EXCEPTION;
}

static cx_value cx_date_utc(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	double v[7] = {NAN, NAN, 1, 0, 0, 0, 0};

	if (cx_date__args(X, argc, argv, 7, v))
		return CX_EXCEPTION;
	return cx_num(cx_date__clip(cx_date__from_fields(v)));
}

static cx_value cx_date_now(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_num(cx_date__now());
}

/* Section - Prototype */

static cx_obj *cx_date__this(cx_ctx *X, cx_value this_)
{
	cx_obj *o = cx_obj_of(this_, CX_C_DATE);

	if (!o)
		cx_throw_error(X, "TypeError", "Date.prototype method called on a non-Date");
	return o;
}

static cx_value cx_date_valueof(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *o = cx_date__this(X, this_);
	return o ? o->prim : CX_EXCEPTION;
}

/* The toString family: one small wrapper per variant of cx_date__format. */
#define CX_DATE_FMT(fn, which)                                                                  \
	static cx_value fn(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv) \
	{                                                                                       \
		cx_obj *o = cx_date__this(X, this_);                                            \
		return o ? cx_date__format(X, o->prim.u.n, which) : CX_EXCEPTION;              \
	}
CX_DATE_FMT(cx_date_tostring, 0)
CX_DATE_FMT(cx_date_todatestring, 1)
CX_DATE_FMT(cx_date_totimestring, 2)
CX_DATE_FMT(cx_date_toutcstring, 3)
CX_DATE_FMT(cx_date_toisostring, 4)
CX_DATE_FMT(cx_date_tolocalestring, 5)
CX_DATE_FMT(cx_date_tolocaledatestring, 6)
CX_DATE_FMT(cx_date_tolocaletimestring, 7)

/* ES5 15.9.5.44 toJSON: null for a non-finite time value, else this.toISOString(). */
static cx_value cx_date_tojson(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_value o = cx_to_object(X, this_), tv;

	if (cx_is_exc(o))
		return o;
	tv = cx_to_primitive(X, o, 1);
	if (cx_is_exc(tv))
		return tv;
	if (tv.tag == CX_T_NUM && !isfinite(tv.u.n))
		return CX_NULLV;
	return cx_call_method(X, o, cx_str__ascii(X, "toISOString"), 0, NULL);
}

/* Getters: field f of the (local or UTC) time. */
enum { CX_DF_YEAR, CX_DF_MON, CX_DF_DATE, CX_DF_DAY, CX_DF_H, CX_DF_M, CX_DF_S, CX_DF_MS, CX_DF_YEAR1900 };

static cx_value cx_date__get(cx_ctx *X, cx_value this_, int field, int utc)
{
	cx_obj *o = cx_date__this(X, this_);
	double t;
	cx_dt f;

	if (!o)
		return CX_EXCEPTION;
	t = o->prim.u.n;
	if (isnan(t))
		return cx_num(NAN);
	cx_date__split(utc ? t : cx_date__local(t), &f);
	switch (field) {
	case CX_DF_YEAR: return cx_num(f.year);
	case CX_DF_YEAR1900: return cx_num(f.year - 1900);
	case CX_DF_MON: return cx_num(f.mon);
	case CX_DF_DATE: return cx_num(f.date);
	case CX_DF_DAY: return cx_num(f.wday);
	case CX_DF_H: return cx_num(f.h);
	case CX_DF_M: return cx_num(f.m);
	case CX_DF_S: return cx_num(f.s);
	default: return cx_num(f.ms);
	}
}

#define CX_DATE_GET(fn, field, utc)                                                             \
	static cx_value fn(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv) \
	{                                                                                       \
		return cx_date__get(X, this_, field, utc);                                      \
	}
CX_DATE_GET(cx_date_getfullyear, CX_DF_YEAR, 0)
CX_DATE_GET(cx_date_getutcfullyear, CX_DF_YEAR, 1)
CX_DATE_GET(cx_date_getyear, CX_DF_YEAR1900, 0)
CX_DATE_GET(cx_date_getmonth, CX_DF_MON, 0)
CX_DATE_GET(cx_date_getutcmonth, CX_DF_MON, 1)
CX_DATE_GET(cx_date_getdate, CX_DF_DATE, 0)
CX_DATE_GET(cx_date_getutcdate, CX_DF_DATE, 1)
CX_DATE_GET(cx_date_getday, CX_DF_DAY, 0)
CX_DATE_GET(cx_date_getutcday, CX_DF_DAY, 1)
CX_DATE_GET(cx_date_gethours, CX_DF_H, 0)
CX_DATE_GET(cx_date_getutchours, CX_DF_H, 1)
CX_DATE_GET(cx_date_getminutes, CX_DF_M, 0)
CX_DATE_GET(cx_date_getutcminutes, CX_DF_M, 1)
CX_DATE_GET(cx_date_getseconds, CX_DF_S, 0)
CX_DATE_GET(cx_date_getutcseconds, CX_DF_S, 1)
CX_DATE_GET(cx_date_getmilliseconds, CX_DF_MS, 0)
CX_DATE_GET(cx_date_getutcmilliseconds, CX_DF_MS, 1)

static cx_value cx_date_gettzoffset(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *o = cx_date__this(X, this_);
	double t;

	if (!o)
		return CX_EXCEPTION;
	t = o->prim.u.n;
	/* in whole minutes, toward 0, as node: a local mean time's seconds (Paris's +0:09:21 until
	 * 1911) are dropped, -9 rather than the spec's -9.35 */
	return cx_num(isnan(t) ? NAN : trunc((t - cx_date__local(t)) / 60000) + 0);
}

static cx_value cx_date_settime(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	cx_obj *o = cx_date__this(X, this_);
	double t;

	if (!o || cx_to_num(X, CX_ARG(0), &t))
		return CX_EXCEPTION;
	o->prim = cx_num(cx_date__clip(t));
	return o->prim;
}

/* Setters (15.9.5.28-41): `first` is the first field the arguments replace (CX_DF_YEAR,
 * CX_DF_MON, CX_DF_DATE, CX_DF_H, CX_DF_M, CX_DF_S, CX_DF_MS), `max` how many they may give.
 * Missing trailing arguments keep the current fields. A NaN date stays NaN except for
 * setFullYear, which starts from +0 (15.9.5.40). */
static cx_value cx_date__set(cx_ctx *X, cx_value this_, int argc, cx_value *argv, int first, int max, int utc, int y2)
{
	cx_obj *o = cx_date__this(X, this_);
	double t, v[7], a;
	int i, k;
	cx_dt f;

	if (!o)
		return CX_EXCEPTION;
	t = o->prim.u.n;
	if (isnan(t)) {
		if (first != CX_DF_YEAR) {
			/* Still convert the arguments: ToNumber may have side effects. */
			for (i = 0; i < argc && i < max; i++)
				if (cx_to_num(X, argv[i], &a))
					return CX_EXCEPTION;
			return cx_num(NAN);
		}
		t = 0;
	}
	else if (!utc)
		t = cx_date__local(t);
	cx_date__split(t, &f);
	v[0] = f.year, v[1] = f.mon, v[2] = f.date, v[3] = f.h, v[4] = f.m, v[5] = f.s, v[6] = f.ms;
	/* field index in v for `first` */
	k = first == CX_DF_YEAR ? 0 : first == CX_DF_MON ? 1 : first == CX_DF_DATE ? 2 : first == CX_DF_H ? 3
	  : first == CX_DF_M ? 4 : first == CX_DF_S ? 5 : 6;
	if (argc == 0)
		v[k] = NAN;
	for (i = 0; i < argc && i < max; i++)
		if (cx_to_num(X, argv[i], &v[k + i]))
			return CX_EXCEPTION;
	if (y2 && !isnan(v[0])) { /* setYear (B.2.5): 0..99 means 1900..1999 */
		double yi = cx_to_integer_d(v[0]);
		if (yi >= 0 && yi <= 99)
			v[0] = 1900 + yi;
	}
	t = cx_date__make_date(cx_date__make_day(v[0], v[1], v[2]), cx_date__make_time(v[3], v[4], v[5], v[6]));
	o->prim = cx_num(cx_date__clip(utc ? t : cx_date__utc(t)));
	return o->prim;
}

#define CX_DATE_SET(fn, first, max, utc)                                                        \
	static cx_value fn(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv) \
	{                                                                                       \
		return cx_date__set(X, this_, argc, argv, first, max, utc, 0);                  \
	}
CX_DATE_SET(cx_date_setmilliseconds, CX_DF_MS, 1, 0)
CX_DATE_SET(cx_date_setutcmilliseconds, CX_DF_MS, 1, 1)
CX_DATE_SET(cx_date_setseconds, CX_DF_S, 2, 0)
CX_DATE_SET(cx_date_setutcseconds, CX_DF_S, 2, 1)
CX_DATE_SET(cx_date_setminutes, CX_DF_M, 3, 0)
CX_DATE_SET(cx_date_setutcminutes, CX_DF_M, 3, 1)
CX_DATE_SET(cx_date_sethours, CX_DF_H, 4, 0)
CX_DATE_SET(cx_date_setutchours, CX_DF_H, 4, 1)
CX_DATE_SET(cx_date_setdate, CX_DF_DATE, 1, 0)
CX_DATE_SET(cx_date_setutcdate, CX_DF_DATE, 1, 1)
CX_DATE_SET(cx_date_setmonth, CX_DF_MON, 2, 0)
CX_DATE_SET(cx_date_setutcmonth, CX_DF_MON, 2, 1)
CX_DATE_SET(cx_date_setfullyear, CX_DF_YEAR, 3, 0)
CX_DATE_SET(cx_date_setutcfullyear, CX_DF_YEAR, 3, 1)

static cx_value cx_date_setyear(cx_ctx *X, cx_value self, cx_value this_, int argc, cx_value *argv)
{
	return cx_date__set(X, this_, argc > 1 ? 1 : argc, argv, CX_DF_YEAR, 1, 0, 1);
}

/* Section - Set-up */

static cx_lazy cx_date_own[] = {
	CX_LAZY_FN("parse", cx_date_parse, 1),
	CX_LAZY_FN("UTC", cx_date_utc, 7),
	CX_LAZY_FN("now", cx_date_now, 0),
	CX_LAZY_END
};
static cx_lazy cx_date_protom[] = {
	CX_LAZY_FN("toString", cx_date_tostring, 0), CX_LAZY_FN("toDateString", cx_date_todatestring, 0),
	CX_LAZY_FN("toTimeString", cx_date_totimestring, 0),
	CX_LAZY_FN("toLocaleString", cx_date_tolocalestring, 0),
	CX_LAZY_FN("toLocaleDateString", cx_date_tolocaledatestring, 0),
	CX_LAZY_FN("toLocaleTimeString", cx_date_tolocaletimestring, 0),
	CX_LAZY_FN("toUTCString", cx_date_toutcstring, 0), CX_LAZY_FN("toGMTString", cx_date_toutcstring, 0),
	CX_LAZY_FN("toISOString", cx_date_toisostring, 0), CX_LAZY_FN("toJSON", cx_date_tojson, 1),
	CX_LAZY_FN("valueOf", cx_date_valueof, 0), CX_LAZY_FN("getTime", cx_date_valueof, 0),
	CX_LAZY_FN("getFullYear", cx_date_getfullyear, 0),
	CX_LAZY_FN("getUTCFullYear", cx_date_getutcfullyear, 0),
	CX_LAZY_FN("getYear", cx_date_getyear, 0),
	CX_LAZY_FN("getMonth", cx_date_getmonth, 0), CX_LAZY_FN("getUTCMonth", cx_date_getutcmonth, 0),
	CX_LAZY_FN("getDate", cx_date_getdate, 0), CX_LAZY_FN("getUTCDate", cx_date_getutcdate, 0),
	CX_LAZY_FN("getDay", cx_date_getday, 0), CX_LAZY_FN("getUTCDay", cx_date_getutcday, 0),
	CX_LAZY_FN("getHours", cx_date_gethours, 0), CX_LAZY_FN("getUTCHours", cx_date_getutchours, 0),
	CX_LAZY_FN("getMinutes", cx_date_getminutes, 0),
	CX_LAZY_FN("getUTCMinutes", cx_date_getutcminutes, 0),
	CX_LAZY_FN("getSeconds", cx_date_getseconds, 0),
	CX_LAZY_FN("getUTCSeconds", cx_date_getutcseconds, 0),
	CX_LAZY_FN("getMilliseconds", cx_date_getmilliseconds, 0),
	CX_LAZY_FN("getUTCMilliseconds", cx_date_getutcmilliseconds, 0),
	CX_LAZY_FN("getTimezoneOffset", cx_date_gettzoffset, 0),
	CX_LAZY_FN("setTime", cx_date_settime, 1),
	CX_LAZY_FN("setMilliseconds", cx_date_setmilliseconds, 1),
	CX_LAZY_FN("setUTCMilliseconds", cx_date_setutcmilliseconds, 1),
	CX_LAZY_FN("setSeconds", cx_date_setseconds, 2),
	CX_LAZY_FN("setUTCSeconds", cx_date_setutcseconds, 2),
	CX_LAZY_FN("setMinutes", cx_date_setminutes, 3),
	CX_LAZY_FN("setUTCMinutes", cx_date_setutcminutes, 3),
	CX_LAZY_FN("setHours", cx_date_sethours, 4), CX_LAZY_FN("setUTCHours", cx_date_setutchours, 4),
	CX_LAZY_FN("setDate", cx_date_setdate, 1), CX_LAZY_FN("setUTCDate", cx_date_setutcdate, 1),
	CX_LAZY_FN("setMonth", cx_date_setmonth, 2), CX_LAZY_FN("setUTCMonth", cx_date_setutcmonth, 2),
	CX_LAZY_FN("setFullYear", cx_date_setfullyear, 3),
	CX_LAZY_FN("setUTCFullYear", cx_date_setutcfullyear, 3),
	CX_LAZY_FN("setYear", cx_date_setyear, 1),
	CX_LAZY_END
};
static cx_lazy cx_date_ctor = {CX_LAZY_NAME("Date"), cx_date_call, 7, CX_P_DATE, cx_date_new,
			       cx_date_own, NULL};

int cx_lib_date(cx_ctx *X)
{
	cx_obj *dp = CX_PROTO(X, CX_P_DATE);

	tzset(); /* read TZ once; localtime_r need not */
	dp->cls = CX_C_DATE;
	dp->prim = cx_num(NAN); /* 15.9.5: the prototype is itself a Date whose value is NaN */
	if (cx_lib_ctor(X, &cx_date_ctor) || cx_lazy_add(X, dp, cx_date_protom))
		return ENOMEM;
	return 0;
}
