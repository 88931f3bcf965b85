// Date's local time and zone names as node prints them (task wdate), under several TZ values:
// toString/toTimeString name the zone by ICU's English long name (stdlib/tznames.h, made by
// scripts/gen-tznames.js), or "GMT+hh:mm" for a zone without one (an unknown zone, a fixed
// POSIX offset ICU takes as a zone name, Etc/GMT-3); the toLocale* forms are en-US's.
// Europe/Dublin has the tz data's negative DST (winter is the C library's DST), Lord_Howe a
// half-hour DST, Antarctica/Troll a daylight time ICU names "GMT+02:00". POSIX-style values
// (EST5EDT, JST-9) are in date-zones-posix.js: their past differs between tz data versions.
//! tz: Europe/Paris America/New_York Asia/Kolkata Australia/Lord_Howe UTC Foo/Unknown (unset) Europe/Dublin Etc/GMT-3 Antarctica/Troll Europe/London America/Sao_Paulo Asia/Tokyo :Europe/Paris posix/Asia/Tokyo Africa/Casablanca Europe/Istanbul
function show(t) {
	var d = new Date(t);
	print(d.toString());
	print(d.toTimeString(), '|', d.toDateString(), '|', d.getTimezoneOffset());
	print(d.toLocaleString(), '|', d.toLocaleDateString(), '|', d.toLocaleTimeString());
}
//# winter-summer
show(Date.UTC(2026, 0, 15, 12, 41, 5));
show(Date.UTC(2026, 6, 15, 12, 41, 5));
//# midnight-noon
show(Date.UTC(2026, 2, 1, 0, 0, 0));
show(Date.UTC(2026, 8, 30, 23, 59, 59, 999));
//# around-transitions
// the European and US changes of 2026, Lord Howe's half hour, the southern summer
var ts = [Date.UTC(2026, 2, 29, 0, 59, 59), Date.UTC(2026, 2, 29, 1, 0, 0),
	Date.UTC(2026, 9, 25, 0, 59, 59), Date.UTC(2026, 9, 25, 1, 0, 0),
	Date.UTC(2026, 2, 8, 6, 59, 59), Date.UTC(2026, 2, 8, 7, 0, 0),
	Date.UTC(2026, 10, 1, 5, 59, 59), Date.UTC(2026, 10, 1, 6, 0, 0),
	Date.UTC(2026, 3, 4, 14, 59, 59), Date.UTC(2026, 3, 4, 15, 0, 0),
	Date.UTC(2026, 9, 3, 15, 29, 59), Date.UTC(2026, 9, 3, 15, 30, 0)];
for (var i = 0; i < ts.length; i++) print(new Date(ts[i]).toString());
//# local-fields
var d = new Date(2026, 6, 4, 9, 5, 7);
print(d.getTime(), d.toString(), d.getHours(), d.getDate());
d = new Date(2026, 11, 31, 23, 30);
print(d.getTime(), d.toTimeString());
//# past-years
// the zones' names are today's whatever the date (V8 asks ICU for today's metazone)
show(Date.UTC(1985, 0, 1, 12));
show(Date.UTC(1999, 7, 1, 12));
//# equivalent-years
// before 1970 and after 2038 V8 names the zone by the daylight time of an equivalent year of
// 2008-2035: summer of 1950 and 1900 in Paris is "Summer Time" at +01 and +0009
show(Date.UTC(1950, 6, 1, 12));
show(Date.UTC(1900, 6, 1, 12));
show(Date.UTC(1900, 0, 1, 12));
show(Date.UTC(1969, 11, 31, 23, 59, 59));
show(Date.UTC(2038, 0, 19, 3, 14, 7));
show(Date.UTC(2038, 0, 19, 3, 14, 8));
show(Date.UTC(2050, 6, 1, 12));
show(Date.UTC(2100, 11, 1, 12));
// leap years map to the only leap year of the cycle with the same weekday on 1 January
show(Date.UTC(1904, 6, 1, 12));
show(Date.UTC(1960, 1, 29, 12));
show(Date.UTC(2096, 6, 1, 12));
//# every-month
for (var m = 0; m < 12; m++) print(new Date(Date.UTC(2025, m, 10, 10)).toString());
//# locale-years
// en-US writes the year of its era, unpadded, without the era: the year 0 is 1 (BC)
var ys = [1, 50, 999, 1000, 0, -1, -44, 10000, 275000];
for (var i = 0; i < ys.length; i++) {
	var d = new Date(Date.UTC(2000, 5, 15, 12));
	d.setUTCFullYear(ys[i]);
	print(ys[i], d.toLocaleString(), '|', d.toLocaleDateString(), '|', d.toDateString(), '|', d.toUTCString());
}
//# invalid
var d = new Date(NaN);
print(d.toString(), d.toTimeString(), d.toLocaleString(), d.toLocaleDateString(), d.toLocaleTimeString());
//# round-trip
// Date.parse reads toString's output back, names in brackets included (Europe/Istanbul's
// "Türkiye Standard Time" is not ASCII)
var t = Date.UTC(2026, 6, 15, 12, 41, 5);
print(Date.parse(new Date(t).toString()) === t, Date.parse(new Date(t - 1.6e10).toString()) === t - 1.6e10);
