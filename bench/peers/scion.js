// SCION peer of bench/events.ccxml and bench/idle.ccxml.
//   node scion.js events N   n tick events through one machine; prints "events N"
//   node scion.js idle K     K idle machines, then waits (the harness reads RSS and CPU time)
// A <send> without target goes to the machine's own external queue. SCION's default send puts
// each event behind a setTimeout (>= 1 ms in Node), so customSend queues it here instead and the
// loop below feeds the queue to gen(), as a CCXML session's event queue does.
'use strict';
const path = require('path');
const fs = require('fs');
const scxml = require(process.env.SCION_MODULE || '@scion-scxml/scxml');
const [mode, arg] = process.argv.slice(2);
const k = Number(arg);
const file = path.join(__dirname, mode === 'idle' ? 'idle.scxml' : 'events.scxml');

scxml.documentStringToModel(file, fs.readFileSync(file, 'utf8'), (err, model) => {
  if (err) throw err;
  model.prepare((err, fnModel) => {
    if (err) throw err;
    if (mode === 'events') {
      const queue = [];
      const sc = new scxml.core.Statechart(fnModel, {
        customSend(ev) { queue.push({ name: ev.name, data: ev.data }); },
        params: { n: k },
        console: { log(label, v) { console.log(label + ' ' + v); } },
      });
      sc.start();
      while (queue.length) sc.gen(queue.shift());
    } else {
      const all = [];
      for (let j = 0; j < k; j++) {
        const sc = new scxml.core.Statechart(fnModel);
        sc.start();
        all.push(sc);
      }
      globalThis.machines = all;
      setInterval(() => {}, 1 << 30);
    }
  });
});
