// Runs one bench/es program with Node: evaluates FILE.js in this context (so its top-level
// functions become globals, as in the other engines), times bench(N) with the monotonic clock and
// prints "node <checksum> <ms>".
'use strict';
const fs = require('fs');
const vm = require('vm');
const [file, n] = process.argv.slice(2);
if (!file || n === undefined) {
  console.error('usage: node node-run.js FILE.js N');
  process.exit(2);
}
vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
const t0 = process.hrtime.bigint();
const sum = globalThis.bench(Number(n));
const t1 = process.hrtime.bigint();
console.log('node ' + String(sum) + ' ' + (Number(t1 - t0) / 1e6).toFixed(3));
