// Runs one bench/es program with QuickJS (`qjs --std qjs-run.js FILE.js N`): evaluates FILE.js
// as a global script (so its top-level functions become globals, as in the other engines), times
// bench(N) with the monotonic clock (os.now, milliseconds with a fraction; Date.now in a QuickJS
// older than 2024, which has no os.now) and prints "quickjs <checksum> <ms>".
var file = scriptArgs[1], n = scriptArgs[2];
if (!file || n === undefined) {
  std.err.puts('usage: qjs --std qjs-run.js FILE.js N\n');
  std.exit(2);
}
std.evalScript(std.loadFile(file));
var now = typeof os.now === 'function' ? os.now : Date.now;
var t0 = now();
var sum = globalThis.bench(Number(n));
var t1 = now();
print('quickjs ' + String(sum) + ' ' + (t1 - t0).toFixed(3));
