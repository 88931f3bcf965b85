// tests/es/lib.js — shared by the differential runner (run.js) and the fuzzer (fuzz.js).
//
// A program is run twice: compiled by ccxmlc inside a CCXML document, and by node in a fresh
// vm context. Both sides run the same ECMAScript text (PRELUDE + cases); the printed lines are
// collected by the prelude, escaped to printable ASCII (so the CCXML <log> line survives intact)
// and joined with '|~|'; the CCXML side logs them between @@BEGIN and @@END.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const cp = require('child_process');

// ES3 text: it is compiled by ccxmlc too, so it must use only what ccxmlc supports.
const PRELUDE = `
var __out = [], __cur = '';
function __esc(s) {
	var r = '', i, c, h;
	for (i = 0; i < s.length; i++) {
		c = s.charCodeAt(i);
		if (c === 92) r += '\\\\\\\\';
		else if (c >= 32 && c < 127 && !(c === 124 && s.charAt(i + 1) === '~')) r += s.charAt(i);
		else { h = c.toString(16); while (h.length < 4) h = '0' + h; r += '\\\\u' + h; }
	}
	return r;
}
function print() {
	var s = '', i;
	for (i = 0; i < arguments.length; i++) { if (i) s += ' '; s += String(arguments[i]); }
	__out.push(__esc(__cur + ': ' + s));
}
function __exc(e) {
	if (e instanceof Error) return e.name;
	return typeof e + ' ' + String(e);
}
function __run(name, f) {
	__cur = name;
	try { f(); } catch (e) { __out.push(__esc(name + ': threw ' + __exc(e))); }
	__cur = '';
}
function __res() { return __out.join('|~|'); }
`;

// The CCXML document around a program: everything runs in the ccxml.loaded transition; an
// error.* event (a runaway case, the heap limit) logs what was printed so far and the reason.
function ccxmlDoc(program) {
	if (program.indexOf(']]>') >= 0) throw new Error('a case contains "]]>"');
	return `<?xml version="1.0" encoding="UTF-8"?>
<ccxml version="1.0" xmlns="http://www.w3.org/2002/09/ccxml">
<eventprocessor>
<transition event="ccxml.loaded"><script><![CDATA[${PRELUDE}
${program}
]]></script><log expr="'@@BEGIN' + __res() + '@@END'"/><exit/></transition>
<transition event="error.*"><log expr="'@@BEGIN' + __res() + '@@END'"/><log expr="'@@ERROR ' + event$.name + ' ' + event$.reason"/><exit/></transition>
</eventprocessor>
</ccxml>
`;
}

function splitOut(s) {
	return s === '' ? [] : s.split('|~|');
}

// node's answer: a fresh context per program (no shared globals between files).
function runNode(program, timeoutMs) {
	const ctx = vm.createContext({});
	try {
		const r = vm.runInContext(PRELUDE + '\n' + program + '\n__res();', ctx,
			{ timeout: timeoutMs || 10000, filename: 'case.js' });
		return { lines: splitOut(r) };
	} catch (e) {
		let partial = [];
		try { partial = splitOut(vm.runInContext('__res()', ctx, { timeout: 1000 })); } catch (e2) { /* none */ }
		return { lines: partial, error: 'node: ' + e };
	}
}

// ccxmlc's answer: compile dir/name.ccxml with BUILD/ccxmlc, run it in the simulator.
function runCcxml(build, dir, name, program, opts) {
	opts = opts || {};
	const src = path.join(dir, name + '.ccxml');
	const exe = path.join(dir, name);
	fs.writeFileSync(src, ccxmlDoc(program));
	const env = Object.assign({}, process.env);
	// the compiler never frees by design (docs/generated-c.md); leak checks are for programs
	env.ASAN_OPTIONS = (env.ASAN_OPTIONS ? env.ASAN_OPTIONS + ':' : '') + 'detect_leaks=0';
	// -O0 by default: gcc -O2 on a few thousand generated lines costs seconds; ES_OPT=-O2 to
	// check the optimised code
	let r = cp.spawnSync(path.join(build, 'ccxmlc'), [process.env.ES_OPT || '-O0', '-o', exe, src],
		{ env, encoding: 'utf8', timeout: 180000 });
	if (r.status !== 0)
		return { lines: [], error: 'compile failed:\n' + (r.stderr || '') + (r.error ? String(r.error) : '') };
	return runExe(build, dir, exe, opts);
}

// Runs a program runCcxml compiled (opts.env: more environment, e.g. CX_GC_STRESS).
function runExe(build, dir, exe, opts) {
	opts = opts || {};
	const args = ['--sim', '--once'].concat(opts.args || []);
	// the program is checked for leaks (cycles included) when the build has ASan
	const renv = Object.assign({}, process.env, opts.env || {});
	if (/asan/.test(build)) renv.ASAN_OPTIONS = 'detect_leaks=1:allocator_may_return_null=1';
	const r = cp.spawnSync(exe, args, { cwd: dir, env: renv, encoding: 'utf8', timeout: opts.timeoutMs || 60000,
		maxBuffer: 64 << 20, killSignal: 'SIGKILL' });
	const out = r.stdout || '';
	const err = r.stderr || '';
	const res = { lines: [], stderr: err };
	const b = out.indexOf('@@BEGIN'), e = out.lastIndexOf('@@END');
	if (b >= 0 && e > b) res.lines = splitOut(out.slice(b + 7, e));
	const m = /@@ERROR (.*)/.exec(out);
	if (m) res.error = m[1];
	else if (r.status !== 0) res.error = 'exit status ' + r.status + (r.signal ? ' (' + r.signal + ')' : '');
	else if (b < 0) res.error = 'no output';
	if (/ERROR: (Address|Leak)Sanitizer|runtime error:/.test(err))
		res.error = (res.error ? res.error + '; ' : '') + 'sanitizer report:\n' + err.slice(0, 3000);
	return res;
}

// The program of a list of cases {name, body: [lines]}: each body in a function of its own,
// then one __run per case (so that one throwing case does not stop the others).
function program(cases, prelude) {
	let s = prelude.join('\n') + '\n';
	cases.forEach((c, i) => {
		s += `function __case${i}() {\n${c.body.join('\n')}\n}\n`;
	});
	cases.forEach((c, i) => {
		s += `__run(${JSON.stringify(c.name)}, __case${i});\n`;
	});
	return s;
}

// lines "name: text" -> Map name -> [lines]
function byCase(lines) {
	const m = new Map();
	for (const l of lines) {
		const i = l.indexOf(': ');
		const k = i < 0 ? l : l.slice(0, i);
		if (!m.has(k)) m.set(k, []);
		m.get(k).push(l);
	}
	return m;
}

module.exports = { program, PRELUDE, ccxmlDoc, runNode, runCcxml, runExe, byCase, splitOut };
