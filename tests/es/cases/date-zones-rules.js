// Date under a POSIX TZ rule string (task wdate). node cannot be asked: its ICU takes TZ only
// when it looks like a zone name (no comma, at most two digits at the end) and otherwise uses
// /etc/localtime, offsets included. ccxmlc follows the rule (the C library's local time) and
// names the zone as ICU names a zone it has no name for: "GMT+hh:mm" of the offset.
//! tz: CET-1CEST,M3.5.0,M10.5.0/3
//# rule-string
//! es3: Thu Jan 15 2026 13:41:05 GMT+0100 (GMT+01:00) | -60
//! es3: Wed Jul 15 2026 14:41:05 GMT+0200 (GMT+02:00) | -120
//! es3: 7/15/2026, 2:41:05 PM | 14:41:05 GMT+0200 (GMT+02:00)
var a = new Date(Date.UTC(2026, 0, 15, 12, 41, 5)), b = new Date(Date.UTC(2026, 6, 15, 12, 41, 5));
print(a.toString(), '|', a.getTimezoneOffset());
print(b.toString(), '|', b.getTimezoneOffset());
print(b.toLocaleString(), '|', b.toTimeString());
