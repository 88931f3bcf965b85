// Date under POSIX-style TZ values node's ICU takes as zone names (task wdate): EST5EDT and
// CST6CDT are IANA zones (Eastern/Central names), JST-9 and EST5 are unknown to ICU, which
// names them by the offset (GMT+09:00, GMT-05:00); TZ="" is UTC. Present-day dates only: the
// past of EST5EDT differs between tz data versions (a link to America/New_York since 2024b).
// A rule string with a comma (CET-1CEST,M3.5.0,M10.5.0/3) is not here: node ignores it and uses
// /etc/localtime, ccxmlc follows it (docs/ecmascript.md, Date).
//! tz: EST5EDT CST6CDT JST-9 EST5 GMT0 UTC0 (empty)
function show(t) {
	var d = new Date(t);
	print(d.toString(), '|', d.toTimeString(), '|', d.getTimezoneOffset());
	print(d.toLocaleString(), '|', d.toLocaleDateString(), '|', d.toLocaleTimeString());
}
//# winter-summer
show(Date.UTC(2026, 0, 15, 12, 41, 5));
show(Date.UTC(2026, 6, 15, 12, 41, 5));
//# transitions
show(Date.UTC(2026, 2, 8, 6, 59, 59));
show(Date.UTC(2026, 2, 8, 7, 0, 0));
show(Date.UTC(2026, 10, 1, 5, 59, 59));
show(Date.UTC(2026, 10, 1, 6, 0, 0));
//# local-fields
var d = new Date(2026, 6, 4, 9, 5, 7);
print(d.getTime(), d.toString());
