// tests/es/run.js — differential tests: every case of tests/es/cases/*.js is run by ccxmlc
// (one CCXML document per file) and by node; the printed lines of each case must be identical.
//
//   node tests/es/run.js BUILD [--pending] [--keep DIR] [--verbose] [--gc-stress] [FILE-OR-CASE-FILTER...]
// --gc-stress runs each compiled program a second time with CX_GC_STRESS=1 (a collection at
// every safe point: docs/ecmascript.md "Collection"), whose lines must be the same.
//
// Case file format (docs/testing-es.md):
//   (lines before the first case: helpers shared by the file's cases, run first)
//   //# name            starts a case; its body runs inside a function of its own
//   //! es3: TEXT       (inside a case) the ES3 answer: one expected line each, node is not asked
//   //! pending: WHY    (inside a case) needs a library part not written yet: skipped and counted
//   //! tz: ZONE...     (before the first case) run the file's cases once under each TZ value,
//                       both sides; "(unset)" runs without TZ (the machine's /etc/localtime),
//                       "(empty)" with TZ=''
// --pending runs only the pending cases and says which pass now.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const lib = require('./lib');

function parseCases(file) {
	const text = fs.readFileSync(file, 'utf8');
	const cases = [];
	cases.prelude = [];
	let cur = null;
	text.split('\n').forEach((line, i) => {
		let m;
		if ((m = /^\/\/# (.+?)\s*$/.exec(line))) {
			const name = m[1];
			if (/: |\|~/.test(name)) throw new Error(`${file}:${i + 1}: bad case name`);
			if (cases.some((c) => c.name === name)) throw new Error(`${file}:${i + 1}: duplicate case ${name}`);
			cur = { name, line: i + 1, body: [], es3: null, pending: null };
			cases.push(cur);
			return;
		}
		if (!cur && (m = /^\/\/! tz: (.*)$/.exec(line))) { cases.tz = m[1].trim().split(/\s+/); return; }
		if (!cur) { cases.prelude.push(line); return; } // shared helpers of the file's cases
		if ((m = /^\s*\/\/! es3: ?(.*)$/.exec(line))) {
			(cur.es3 = cur.es3 || []).push(m[1]);
		} else if ((m = /^\s*\/\/! pending: ?(.*)$/.exec(line))) {
			cur.pending = m[1] || 'pending';
		}
		cur.body.push(line);
	});
	return cases;
}

function main() {
	const argv = process.argv.slice(2);
	if (!argv.length || argv[0].startsWith('-')) {
		console.error('usage: node tests/es/run.js BUILD [--pending] [--keep DIR] [--verbose] [FILTER...]');
		process.exit(2);
	}
	const build = path.resolve(argv.shift());
	let pendingMode = false, keep = null, verbose = false, stress = false;
	const filters = [];
	while (argv.length) {
		const a = argv.shift();
		if (a === '--pending') pendingMode = true;
		else if (a === '--keep') keep = path.resolve(argv.shift());
		else if (a === '--verbose') verbose = true;
		else if (a === '--gc-stress') stress = true;
		else filters.push(a);
	}
	const casedir = path.join(__dirname, 'cases');
	const files = fs.readdirSync(casedir).filter((f) => f.endsWith('.js')).sort();
	const dir = keep || fs.mkdtempSync(path.join(os.tmpdir(), 'ccxmlc-es-'));
	fs.mkdirSync(dir, { recursive: true });
	let pass = 0, fail = 0, pending = 0, es3 = 0, nowPass = 0;
	const t0 = Date.now();
	for (const f of files) {
		const base = path.basename(f, '.js');
		let cases = parseCases(path.join(casedir, f));
		const prelude = cases.prelude, tzList = cases.tz;
		const fileSel = !filters.length || filters.some((x) => base.includes(x));
		if (!fileSel) cases = cases.filter((c) => filters.some((x) => c.name.includes(x)));
		if (!cases.length) continue;
		const skipped = cases.filter((c) => c.pending);
		cases = pendingMode ? skipped : cases.filter((c) => !c.pending);
		if (!pendingMode) pending += skipped.length;
		if (!cases.length) continue;
		const prog = lib.program(cases, prelude);
		// a file with //! tz: is compiled once and run under each zone (node re-reads TZ when
		// process.env.TZ changes; the program inherits it)
		const zones = tzList || [null], tz0 = process.env.TZ;
		for (let zi = 0; zi < zones.length; zi++) {
			const zone = zones[zi], where = zone === null ? '' : ` (TZ=${zone})`;
			if (zone === '(unset)') delete process.env.TZ;
			else if (zone !== null) process.env.TZ = zone === '(empty)' ? '' : zone;
			const nodeRes = lib.runNode(prog);
			const ccRes = zi ? lib.runExe(build, dir, path.join(dir, base)) : lib.runCcxml(build, dir, base, prog);
			const want = lib.byCase(nodeRes.lines), got = lib.byCase(ccRes.lines);
			let ffail = 0;
			let stRes = null, stGot = null;
			if (stress && !pendingMode) {
				stRes = lib.runExe(build, dir, path.join(dir, base), { env: { CX_GC_STRESS: '1' }, timeoutMs: 240000 });
				stGot = lib.byCase(stRes.lines);
				if (stRes.error && (verbose || /sanitizer/.test(stRes.error) || !stRes.lines.length))
					console.log(`  ${base}${where}: with CX_GC_STRESS=1: ${stRes.error}`);
				if (/sanitizer/.test(stRes.error || '')) fail++;
			}
			if (tz0 === undefined) delete process.env.TZ;
			else process.env.TZ = tz0;
			for (const c of cases) {
				let w = want.get(c.name) || [];
				if (c.es3) { w = c.es3.map((t) => c.name + ': ' + t); es3++; }
				const g = got.get(c.name) || [];
				let ok = w.length === g.length && w.every((l, i) => l === g[i]);
				if (ok && stGot) {
					const sg = stGot.get(c.name) || [];
					if (!(w.length === sg.length && w.every((l, i) => l === sg[i]))) {
						ok = false;
						console.log(`FAIL (CX_GC_STRESS=1) ${base}.js:${c.line} ${c.name}${where}`);
						for (const l of sg) console.log(`    got      | ${l}`);
					}
				}
				if (pendingMode) {
					if (ok) { nowPass++; console.log(`now passes: ${base}.js:${c.line} ${c.name}${where}`); }
					continue;
				}
				if (ok) { pass++; continue; }
				fail++; ffail++;
				console.log(`FAIL ${base}.js:${c.line} ${c.name}${where}`);
				for (const l of w) console.log(`    expected | ${l}`);
				for (const l of g) console.log(`    got      | ${l}`);
			}
			if (ccRes.error && (ffail || verbose || /sanitizer/.test(ccRes.error))) {
				console.log(`  ${base}${where}: ccxmlc side: ${ccRes.error}`);
				if (/sanitizer/.test(ccRes.error) && !ffail) { fail++; }
			}
			if (nodeRes.error) console.log(`  ${base}${where}: ${nodeRes.error}`);
			if (verbose) console.log(`  ${base}${where}: ${cases.length} cases, ${ffail} failed`);
		}
	}
	if (!keep) fs.rmSync(dir, { recursive: true, force: true });
	const secs = ((Date.now() - t0) / 1000).toFixed(1);
	if (pendingMode) {
		console.log(`es: ${nowPass} pending cases pass now`);
		return;
	}
	console.log(`es: ${pass} passed, ${fail} failed, ${pending} pending (skipped), ` +
		`${es3} with a stated ES3 answer; ${secs}s`);
	process.exit(fail ? 1 : 0);
}

main();
