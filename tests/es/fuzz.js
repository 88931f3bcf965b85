// tests/es/fuzz.js — differential fuzzer: random well-typed ES3 programs, run by ccxmlc and by
// node, outputs compared line by line.
//
//   node tests/es/fuzz.js BUILD [--seed S] [--batches N] [--seconds T] [--programs P] [--keep DIR]
//
// A batch is one CCXML document of P programs (one compile per batch); batch k uses the seed
// S + k, so a failure is replayed with `--seed <that seed> --batches 1`. It stops after N batches
// or T seconds, whichever comes first. Each program is a case of its own: it declares typed
// variables (number, string, boolean, object, array, function, undefined/null), then runs
// random statements (assignments, if, bounded loops, switch, try/catch, closures, calls)
// and prints values. Loops have constant bounds and strings are cut to 40 units, so every
// program ends quickly; only operations whose ES3 and node answers agree are generated.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const lib = require('./lib');

function rng(seed) { // mulberry32
	let a = seed >>> 0;
	return function () {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function Gen(seed) {
	const R = rng(seed);
	const int = (n) => Math.floor(R() * n);
	const pick = (a) => a[int(a.length)];
	const chance = (p) => R() < p;
	let vars = null, depth = 0, nfresh = 0, fns = [];
	const fresh = (p) => p + (nfresh++);

	const NUMS = ['0', '1', '2', '3', '7', '10', '-1', '0.5', '1.5', '-2.25', '100', '255', '1e3',
		'0.1', '3.14159', '1e21', '-0', 'NaN', 'Infinity', '4294967296', '2147483647', '0x1f'];
	const STRS = ["''", "'a'", "'abc'", "'Hello'", "' x '", "'0'", "'12'", "'1.5'", "'-3'",
		"'true'", "'null'", "'\\u00e9t\\u00e9'", "'a,b,c'", "'0x10'", "'  7  '", "'1e2'"];
	// literals of `'lit' + x` and `'lit' + x + 'lit2'` (generated code concatenates short ASCII
	// ones inline into one slot while the result stays under 64 characters: cx_value.h
	// cx_add_lit8, cx_add_lit8_lit8): every length around those bounds, Latin-1, wide and
	// surrogate characters (the other ways)
	const LITCHARS = 'abcXYZ019 ()[]:,.-_=</#'; // no '>': ']]>' would end the CDATA
	function lit() {
		if (chance(0.25)) return pick(["''", "'\\u00e9'", "'\\u00ff:'", "'\\u4e2d\\u6587'", "'a\\u20acb'",
			"'\\ud83d\\ude00'", "'\\n'", "'\\t|'"]);
		const n = chance(0.5) ? int(4) : pick([int(70), 30, 31, 32, 33, 61, 62, 63, 64]);
		let r = '';
		for (let i = 0; i < n; i++) r += LITCHARS[int(LITCHARS.length)];
		return `'${r}'`;
	}
	// an operand of every type for them
	function any() {
		switch (int(12)) {
		case 0: case 1: return num();
		case 2: case 3: case 4: return str();
		case 5: return bool();
		case 6: return v('obj') || '{}';
		case 7: return v('arr') || '[1, \'b\']';
		case 8: return pick(['null', 'undefined', '[]', '{}', '[null]', "{ toString: function () { return '\\u4e2d'; } }"]);
		case 9: return pick(NUMS);
		case 10: return `${str()}.substring(0, ${int(70)})`;
		default: return `(${lit()} + ${str()})`;
		}
	}

	function v(type) {
		const c = vars.filter((x) => x.t === type);
		return c.length ? pick(c).n : null;
	}
	function num() {
		if (depth > 3) return chance(0.5) ? pick(NUMS) : (v('num') || '1');
		depth++;
		let r;
		switch (int(20)) {
		case 0: case 1: r = pick(NUMS); break;
		case 2: case 3: r = v('num') || pick(NUMS); break;
		case 4: r = `(${num()} ${pick(['+', '-', '*', '/', '%'])} ${num()})`; break;
		case 5: r = `(${num()} ${pick(['&', '|', '^', '<<', '>>', '>>>'])} ${num()})`; break;
		case 6: r = `(- ${num()})`; break;
		case 7: r = `${str()}.length`; break;
		case 8: r = `Math.${pick(['floor', 'ceil', 'abs', 'round'])}(${num()})`; break;
		case 9: r = `Math.${pick(['max', 'min'])}(${num()}, ${num()})`; break;
		case 10: r = `parseInt(${str()}${chance(0.3) ? ', ' + pick(['10', '16', '2', '8']) : ''})`; break;
		case 11: r = `parseFloat(${str()})`; break;
		case 12: r = `Number(${pick([str, bool, num])()})`; break;
		case 13: r = `(${bool()} ? ${num()} : ${num()})`; break;
		case 14: { const a = v('arr'); r = a ? `${a}.length` : num(); break; }
		case 15: { const o = v('obj'); r = o ? `(${o}.n)` : num(); break; }
		case 16: { const f = fns.length ? pick(fns) : null; r = f ? `${f}(${num()})` : num(); break; }
		case 17: r = `(+ ${pick([str, bool])()})`; break;
		case 18: r = `(${str()}.charCodeAt(${int(4)}) | 0)`; break;
		default: r = `(${num()} ${pick(['+', '-', '*'])} ${int(10)})`;
		}
		depth--;
		return r;
	}
	function str() {
		if (depth > 3) return chance(0.5) ? pick(STRS) : (v('str') || "'s'");
		depth++;
		let r;
		switch (int(19)) {
		case 0: case 1: r = pick(STRS); break;
		case 16: r = `(${lit()} + ${any()})`; break;
		case 17: r = `(${lit()} + ${any()} + ${lit()})`; break;
		case 2: case 3: r = v('str') || pick(STRS); break;
		case 4: r = `(${str()} + ${pick([str, num, bool])()})`; break;
		case 5: r = `(${num()} + ${str()})`; break;
		case 6: r = `String(${pick([num, bool, str])()})`; break;
		case 7: r = `${str()}.charAt(${int(5)})`; break;
		case 8: r = `${str()}.substring(${int(4)}, ${int(6)})`; break;
		case 9: r = `${str()}.${pick(['toUpperCase', 'toLowerCase'])}()`; break;
		case 10: { const a = v('arr'); r = a ? `${a}.join(${pick(["'-'", "''", "','"])})` : str(); break; }
		case 11: r = `(typeof ${pick([num, str, bool, () => v('obj') || 'null', () => 'undefined', () => v('fn') || 'print'])()})`; break;
		case 12: r = `(Math.floor(${num()}) % 1000000).toString(${pick(['', '2', '16', '36'])})`; break;
		case 13: r = `${str()}.slice(${int(5) - 2})`; break;
		case 14: r = `(${bool()} ? ${str()} : ${str()})`; break;
		case 15: r = `${str()}.split(${pick(["','", "'a'", "''"])}).join('|')`; break;
		default: r = `String(${pick(['null', 'undefined', '[]', '[1, [2, 3]]', '{}'])})`;
		}
		depth--;
		return r;
	}
	function bool() {
		if (depth > 3) return pick(['true', 'false', v('bool') || 'true']);
		depth++;
		let r;
		switch (int(13)) {
		case 0: r = pick(['true', 'false']); break;
		case 1: r = v('bool') || 'false'; break;
		case 2: r = `(${num()} ${pick(['<', '>', '<=', '>=', '==', '!=', '===', '!=='])} ${num()})`; break;
		case 3: r = `(${str()} ${pick(['<', '>', '==', '!=', '==='])} ${str()})`; break;
		case 4: r = `(${num()} ${pick(['==', '!=', '<', '>='])} ${str()})`; break;
		case 5: r = `!${bool()}`; break;
		case 6: r = `(${bool()} ${pick(['&&', '||'])} ${bool()})`; break;
		case 7: r = `isNaN(${num()})`; break;
		case 8: { const o = v('obj'); r = o ? `(${pick(["'n'", "'s'", "'zz'", "'toString'"])} in ${o})` : bool(); break; }
		case 9: r = `Boolean(${pick([num, str])()})`; break;
		case 10: r = `(${pick(['null', 'undefined', '0', "''", 'false'])} ${pick(['==', '==='])} ${pick(['null', 'undefined', '0', "''", 'false'])})`; break;
		case 11: { const a = v('arr'); r = a ? `(${a} instanceof Array)` : bool(); break; }
		default: r = `!!${pick([num, str])()}`;
		}
		depth--;
		return r;
	}
	function expr(t) { return { num, str, bool }[t](); }

	function stmt(indent, budget) {
		const I = '\t'.repeat(indent);
		const t = pick(['num', 'str', 'bool']);
		const target = v(t);
		switch (budget > 0 ? int(15) : int(4)) {
		case 0: case 1:
			if (target) return `${I}${target} = ${fix(t, expr(t))};\n`;
			return `${I}print(${expr(t)});\n`;
		case 2: case 3: return `${I}print(${expr(t)});\n`;
		case 4: return `${I}if (${bool()}) {\n${block(indent + 1, budget - 1)}${I}} else {\n${block(indent + 1, budget - 1)}${I}}\n`;
		case 5: {
			const i = fresh('i');
			return `${I}for (var ${i} = 0; ${i} < ${1 + int(5)}; ${i}++) {\n${block(indent + 1, budget - 1)}${I}}\n`;
		}
		case 6: {
			const i = fresh('w');
			return `${I}var ${i} = ${int(4)};\n${I}while (${i}-- > 0) {\n${block(indent + 1, budget - 1)}${I}}\n`;
		}
		case 7: {
			const e = fresh('e');
			const thr = pick([`throw ${num()};`, `throw new ${pick(['Error', 'TypeError', 'RangeError'])}(${str()});`,
				'null.x;', 'undefinedName.y;', `${str()}();`, '']);
			return `${I}try {\n${block(indent + 1, budget - 1)}${I}\tif (${bool()}) ${thr || 'print(\'no throw\');'}\n` +
				`${I}} catch (${e}) {\n${I}\tprint('caught', ${e} instanceof Error ? ${e}.name : ${e});\n${I}}` +
				(chance(0.3) ? ` finally {\n${I}\tprint('finally');\n${I}}\n` : '\n');
		}
		case 8: {
			const o = v('obj');
			if (!o) return `${I}print(${num()});\n`;
			return `${I}${o}.${pick(['n', 'm', 'k'])} = ${num()};\n${I}print(${o}.n, ${o}.m);\n`;
		}
		case 9: {
			const a = v('arr');
			if (!a) return `${I}print(${str()});\n`;
			return pick([`${I}${a}.push(${pick([num, () => fix('str', str()), bool])()});\n`, `${I}if (${a}.length > 6) ${a}.length = 2;\n`,
				`${I}print(${a}.length, ${a}[${int(4)}]);\n`, `${I}${a}.reverse();\n`, `${I}print(${a}.slice(1).join('/'));\n`]);
		}
		case 10: {
			const x = fresh('k');
			let s = `${I}var ${x} = ${int(5)};\n${I}switch (${x}) {\n`;
			for (let c = 0; c < 3; c++) {
				s += `${I}case ${c}:\n${block(indent + 1, budget - 1)}`;
				if (chance(0.6)) s += `${I}\tbreak;\n`;
			}
			return s + `${I}default:\n${I}\tprint('default', ${x});\n${I}}\n`;
		}
		case 11: { // a closure over a fresh counter, called a few times
			const c = fresh('c'), f = fresh('g');
			return `${I}var ${c} = ${num()};\n${I}var ${f} = function (d) { ${c} = ${c} + d; return ${c}; };\n` +
				`${I}${f}(1); print(${f}(${int(3)}), ${c});\n`;
		}
		case 12: { // integer locals (jstype.c's ranges): a counted loop folding into an accumulator
			const a = fresh('n'), i = fresh('i');
			const op = pick(['+', '-', '*']), k = pick(['3', '7', '-2', '65536', '2147483647', '0']);
			const m = pick(['1000003', '97', '4294967296', '2147483648']), from = pick(['0', '-3', '2147483640']);
			return `${I}var ${a} = ${pick(['0', '1', '-5', '2147483647'])};\n` +
				`${I}for (var ${i} = ${from}; ${i} ${pick(['<', '<='])} ${from} + ${int(9)}; ${i}++) ` +
				`${a} = ${pick([`(${a} ${op} ${i} * ${k}) % ${m}`, `(${a} * ${k} + ${i}) | 0`, `${a} ${op} ${i}`, `(${a} ^ ${i} << ${int(31)}) >>> ${int(3)}`])};\n` +
				`${I}print(${a}, ${i}, 1 / ${a}, ${a} % 7);\n`;
		}
		case 13: { // integer locals: two nested counted loops of mixed steps and conditions
			const a = fresh('n'), b = fresh('n'), i = fresh('i'), j = fresh('j');
			const from = pick(['0', '-4', '2147483643', '-2147483645', '4503599627370490']);
			const cond = pick([`${i} < ${from} + ${1 + int(6)}`, `${i} <= ${from} + ${int(6)}`,
				`${from} + ${1 + int(6)} > ${i}`]);
			const step = pick([`${i}++`, `++${i}`, `${i} += 2`, `${i} -= -1`]);
			const e1 = pick([`(${a} + ${i} * ${j}) % ${pick(['97', '1000003', '65536'])}`, `${a} * ${j} - ${i}`,
				`-${a} + ${j}`, `(${a} & 255) * ${i}`, `${a} >>> ${j}`, `${i} % (${j} + 1)`,
				`${j} ? ${a} : ${i}`, `(${b} = ${i} + ${j}, ${b} * 2)`, `${a} - ${a}`, `${j} * 0`, `${a} % ${j}`]);
			const e2 = pick([`${b} + ${a}`, `(${b} * 31 + ${a}) | 0`, `${b} - ${i}`, `${a} * ${a}`, `-${b}`]);
			return `${I}var ${a} = ${pick(['0', '1', '-7', '65535', '2147483647'])}, ${b} = ${pick(['0', '3', '-1'])};\n` +
				`${I}for (var ${i} = ${from}; ${cond}; ${step}) {\n` +
				`${I}\tfor (var ${j} = ${int(4)}; ${j} > ${pick(['-2', '0', '1'])}; ${j}--) ${a} = ${e1};\n` +
				`${I}\t${b} = ${e2};\n${I}}\n` +
				`${I}print(${a}, ${b}, ${i}, ${j}, 1 / ${a}, 1 / ${b});\n`;
		}
		default: {
			const f = v('fn');
			if (!f) return `${I}print(${bool()});\n`;
			return `${I}print(${f}(${num()}, ${str()}));\n`;
		}
		}
	}
	function fix(t, e) { return t === 'str' ? `(${e}).slice(0, 40)` : e; }
	function block(indent, budget) {
		let s = '';
		const n = 1 + int(3);
		for (let i = 0; i < n; i++) s += stmt(indent, budget);
		return s;
	}

	this.program = function () {
		vars = []; fns = []; nfresh = 0;
		let s = '';
		// number-valued helper functions (closures over their own locals), callable by num()
		const nf = int(3);
		for (let i = 0; i < nf; i++) {
			const f = fresh('nf');
			s += `function ${f}(x) { var y = ${pick(NUMS)}; ${chance(0.5) ? `if (x > y) return x - y;` : ''} return (x * ${int(5)} + y) % 1000; }\n`;
			fns.push(f);
		}
		const n = 2 + int(4);
		for (let i = 0; i < n; i++) {
			const t = pick(['num', 'num', 'str', 'str', 'bool']);
			const nm = fresh(t[0]);
			s += `var ${nm} = ${fix(t, expr(t))};\n`;
			vars.push({ n: nm, t });
		}
		if (chance(0.7)) {
			const o = fresh('o');
			s += `var ${o} = { n: ${num()}, s: ${str()}, toString: function () { return 'O' + this.n; } };\n`;
			vars.push({ n: o, t: 'obj' });
		}
		if (chance(0.7)) {
			const a = fresh('a');
			s += `var ${a} = [${num()}, ${str()}, ${bool()}];\n`;
			vars.push({ n: a, t: 'arr' });
		}
		if (chance(0.6)) {
			const f = fresh('f');
			const p = vars.filter((x) => x.t === 'num' || x.t === 'str');
			s += `var ${f} = function (p, q) { ${depth = 0, ''}return ${p.length ? pick(p).n + ' + ' : ''}p + ':' + q; };\n`;
			vars.push({ n: f, t: 'fn' });
		}
		s += block(0, 3);
		for (const x of vars) s += `print(${JSON.stringify(x.n)}, ${x.t === 'fn' ? 'typeof ' + x.n : x.n});\n`;
		return s;
	};
}

function main() {
	const argv = process.argv.slice(2);
	if (!argv.length || argv[0].startsWith('-')) {
		console.error('usage: node tests/es/fuzz.js BUILD [--seed S] [--batches N] [--seconds T] [--programs P] [--keep DIR]');
		process.exit(2);
	}
	const build = path.resolve(argv.shift());
	let seed = 1, batches = 1e9, seconds = 1e9, programs = 40, keep = null;
	while (argv.length) {
		const a = argv.shift(), val = argv.shift();
		if (val === undefined) { console.error(`fuzz: ${a} needs a value`); process.exit(2); }
		if (a === '--seed') seed = parseInt(val, 10);
		else if (a === '--batches') batches = parseInt(val, 10);
		else if (a === '--seconds') seconds = parseFloat(val);
		else if (a === '--programs') programs = parseInt(val, 10);
		else if (a === '--keep') keep = path.resolve(val);
		else { console.error(`fuzz: unknown option ${a}`); process.exit(2); }
	}
	if (batches === 1e9 && seconds === 1e9) batches = 1;
	const dir = keep || fs.mkdtempSync(path.join(os.tmpdir(), 'ccxmlc-fuzz-'));
	fs.mkdirSync(dir, { recursive: true });
	const t0 = Date.now();
	let nprog = 0, nfail = 0, nb = 0;
	for (let b = 0; b < batches && (Date.now() - t0) / 1000 < seconds; b++, nb++) {
		const s = seed + b;
		const g = new Gen(s);
		const cases = [];
		for (let i = 0; i < programs; i++)
			cases.push({ name: `p${s}-${i}`, body: g.program().split('\n') });
		const prog = lib.program(cases, []);
		const want = lib.runNode(prog), got = lib.runCcxml(build, dir, `fuzz${s}`, prog);
		const W = lib.byCase(want.lines), G = lib.byCase(got.lines);
		for (const c of cases) {
			nprog++;
			const w = W.get(c.name) || [], h = G.get(c.name) || [];
			if (w.length === h.length && w.every((l, i) => l === h[i])) continue;
			nfail++;
			const file = path.join(keep || os.tmpdir(), `ccxmlc-fuzz-fail-${c.name}.js`);
			fs.writeFileSync(file, c.body.join('\n') + '\n');
			console.log(`FAIL ${c.name} (seed ${s}; program in ${file})`);
			for (let i = 0; i < Math.max(w.length, h.length); i++) {
				if (w[i] === h[i]) continue;
				console.log(`    line ${i + 1} node   | ${w[i]}`);
				console.log(`    line ${i + 1} ccxmlc | ${h[i]}`);
				break;
			}
		}
		if (got.error) { console.log(`  batch seed ${s}: ccxmlc side: ${got.error}`); if (!nfail) nfail++; }
		if (want.error) console.log(`  batch seed ${s}: ${want.error}`);
	}
	if (!keep) fs.rmSync(dir, { recursive: true, force: true });
	console.log(`fuzz: ${nprog} programs in ${nb} batches (seeds ${seed}..${seed + nb - 1}), ${nfail} failed; ` +
		`${((Date.now() - t0) / 1000).toFixed(1)}s`);
	process.exit(nfail ? 1 : 0);
}

main();
