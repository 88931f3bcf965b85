// Runs bench/seed-exprs.js with Node: seedExprs(makeEvent(), N) in calls of 1000 rounds (as
// bench/seed-exprs.ccxml spreads them over events) and prints "node <checksum> <seconds>", the
// seconds those calls took (process.hrtime: Node's start-up, which varies by more than the work
// of 200,000 rounds, is not in it; its compilers' warm-up is).
'use strict';
const fs = require('fs');
const vm = require('vm');
const [file, arg] = process.argv.slice(2);
if (!file || arg === undefined) {
	console.error('usage: node bench/seed-node.js FILE.js N');
	process.exit(2);
}
vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
const ev = makeEvent(); // eslint-disable-line no-undef
let left = Number(arg), sum = 0;
const t0 = process.hrtime.bigint();
while (left > 0) {
	const k = left < 1000 ? left : 1000;
	sum += seedExprs(ev, k); // eslint-disable-line no-undef
	left -= k;
}
const t1 = process.hrtime.bigint();
console.log('node ' + sum + ' ' + (Number(t1 - t0) / 1e9).toFixed(9));
