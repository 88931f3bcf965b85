// The seed tutorial's <log> expressions (step 5), evaluated n times against an event$-like
// object. The same source is compiled by ccxmlc (bench/seed-exprs.ccxml includes it) and run by
// Duktape 2.7 (bench/duk-run.c). Returns a checksum so neither side can skip work.
function seedExprs(ev, n) {
  var sum = 0;
  for (var i = 0; i < n; i++) {
    var l;
    l = '***** EVENT$.NAME = ' + ev.name; sum += l.length;
    l = '***** EVENT$.SESSIONID = ' + ev.sessionid; sum += l.length;
    l = '***** EVENT$.PARENT = ' + ev.parent; sum += l.length;
    l = '***** EVENT$.EVENTID = ' + ev.eventid; sum += l.length;
    l = '***** EVENT$.EVENTSOURCE = ' + ev.eventsource; sum += l.length;
    l = '***** EVENT$.EVENTSOURCETYPE = ' + ev.eventsourcetype; sum += l.length;
    l = '***** EVENT$.CONNECTION.CONNECTIONID = ' + ev.connection.connectionid; sum += l.length;
    l = '***** EVENT$.CONNECTION.PROTOCOL.NAME = ' + ev.connection.protocol.name; sum += l.length;
    l = '***** EVENT$.CONNECTION.PROTOCOL.VERSION = ' + ev.connection.protocol.version; sum += l.length;
    l = '***** EVENT$.CONNECTION.STATE = ' + ev.connection.state; sum += l.length;
    l = 'an error has occurred (' + ev.reason + ')'; sum += l.length;
  }
  return sum;
}
function makeEvent() {
  return { name: 'connection.connected', sessionid: '7f3a0c1e', parent: undefined,
           eventid: 'e42', eventsource: 'c1', eventsourcetype: 'ccxml',
           connection: { connectionid: 'c1', state: 'CONNECTED',
                         protocol: { name: 'sip', version: '2.0' } },
           reason: 'none' };
}
