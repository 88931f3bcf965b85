// bench/seed-exprs.js with each string used: its last character read, so that no engine may
// skip building it (a logged string exists; V8 does not build one that is only measured).
// Compiled by ccxmlc through bench/seed-used.ccxml, run by Duktape 2.7 (bench/duk-run.c) and
// Node (bench/seed-node.js); all return the same checksum.
function seedExprs(ev, n) {
  var sum = 0;
  for (var i = 0; i < n; i++) {
    var l;
    l = '***** EVENT$.NAME = ' + ev.name; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.SESSIONID = ' + ev.sessionid; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.PARENT = ' + ev.parent; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.EVENTID = ' + ev.eventid; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.EVENTSOURCE = ' + ev.eventsource; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.EVENTSOURCETYPE = ' + ev.eventsourcetype; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.CONNECTION.CONNECTIONID = ' + ev.connection.connectionid; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.CONNECTION.PROTOCOL.NAME = ' + ev.connection.protocol.name; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.CONNECTION.PROTOCOL.VERSION = ' + ev.connection.protocol.version; sum += l.charCodeAt(l.length - 1);
    l = '***** EVENT$.CONNECTION.STATE = ' + ev.connection.state; sum += l.charCodeAt(l.length - 1);
    l = 'an error has occurred (' + ev.reason + ')'; sum += l.charCodeAt(l.length - 1);
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
