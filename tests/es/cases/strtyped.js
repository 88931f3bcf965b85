// String-typed locals (compiler/jstype.c): a function's var that only ever holds strings has
// its `length` read inline and its `+` known to give a string, and a var summing such lengths
// becomes number-typed. Each case checks an edge of that: ToPrimitive order of objects on either
// side of +, exceptions in the middle, the vars that must stay generic (assigned a number in a
// branch, captured and reassigned by a closure, read before assigned, for-in, catch), lengths
// in UTF-16 units, and the seed's log expressions.
//# st-seed-exprs
function seed(ev, n) {
  var sum = 0, last;
  for (var i = 0; i < n; i++) {
    var l;
    l = '***** EVENT$.NAME = ' + ev.name; sum += l.length;
    l = '***** EVENT$.PARENT = ' + ev.parent; sum += l.length;
    l = '***** EVENT$.ID = ' + ev.id; sum += l.length;
    l = '***** EVENT$.CONNECTION.STATE = ' + ev.connection.state; sum += l.length;
    l = 'an error has occurred (' + ev.reason + ')'; sum += l.length;
    last = l;
  }
  return [sum, last, typeof sum];
}
print(seed({ name: 'connection.connected', parent: undefined, id: 42.5,
             connection: { state: null }, reason: [1, [2, 3]] }, 3).join(' | '));
print(seed({ name: true, id: -0, connection: {}, reason: { toString: function () { return 'ts'; } } }, 2).join(' | '));
//# st-toprimitive-order
function order() {
  var log = [];
  function mk(tag, prim) {
    return { valueOf: function () { log.push(tag + '.valueOf'); return prim; },
             toString: function () { log.push(tag + '.toString'); return 'S' + tag; } };
  }
  var a = mk('a', 1), b = mk('b', 'bee'), c = mk('c', {});
  var s = 'x' + a;
  s = b + s;
  s = s + c;
  var t = (a + 'y') + b;
  t += a;
  return [s, s.length, t, t.length, log.join(',')];
}
print(order().join(' | '));
//# st-throw-midway
function thrower() {
  var bad = { toString: function () { throw new Error('no string'); }, valueOf: null };
  var s = 'start', n = 0, out = [];
  try {
    s = 'a' + bad;
    out.push('not reached');
  } catch (e) {
    out.push(e.message);
  }
  out.push(s, s.length);
  try {
    s += bad;
  } catch (e) {
    out.push('again ' + e.message);
  }
  n += s.length;
  out.push(s, n);
  return out.join(' ');
}
print(thrower());
//# st-number-in-branch
function branch(c) {
  var s = 'abc';
  if (c) s = 5;
  var k = s.length;
  var t = s + 1;
  return [k, t, typeof t, t.length];
}
print(branch(true).join(' '), '/', branch(false).join(' '));
//# st-closure-reassigns
function closure() {
  var s = 'abcd';
  var set = function (v) { s = v; };
  var before = s.length;
  set(42);
  var mid = s.length;
  set([1, 2, 3]);
  return [before, mid, s.length, s + 'x'];
}
print(closure().join(' '));
//# st-read-before-assigned
function early(flag) {
  var out = [];
  for (var i = 0; i < 2; i++) {
    if (i) out.push(typeof s, s && s.length);
    var s = 'iter' + i;
  }
  out.push(s.length);
  return out.join(' ');
}
print(early());
//# st-forin-catch-decl
function others() {
  var out = [], k = 'key', e = 'err';
  for (k in { a: 1, bb: 2 }) out.push(k.length);
  try { throw 7; } catch (e) { out.push(typeof e, e.length); }
  out.push(k, k.length, e.length);
  var f = 'str';
  function f() {}
  out.push(typeof f, f.length);
  return out.join(' ');
}
print(others());
//# st-utf16-length
function utf16(x) {
  var a = 'h\u00e9llo\u2028' + x;
  var b = '\ud83d\ude00' + a;
  var c = a + '\ud800';
  var d = 'é€😀' + b;
  return [a.length, b.length, c.length, d.length, d.charCodeAt(3), c.charCodeAt(c.length - 1)];
}
print(utf16(1).join(' '), utf16('😀😀').join(' '));
//# st-compound-and-forms
function forms(x, y) {
  var s = '', t, u, v, w, z;
  s += x;
  s += y;
  s += null;
  t = (u = 'q' + x);
  v = x > 1 ? 'big' : 'small';
  w = typeof x;
  z = (x, 'ab' + y);
  var n = s.length + t.length * 2 + u.length + v.length + w.length + z.length;
  n = n % 7 + n;
  return [s, t, u, v, w, z, n, typeof n].join(' ');
}
print(forms(3, undefined));
print(forms({}, { valueOf: function () { return 9; } }));
//# st-length-assign-and-wrappers
function wrappers() {
  var s = 'abc';
  s.length = 10;
  s.foo = 1;
  var w = new String('wrapped') + '';
  var c = 1 + 2 + 'a' + {} + null;
  var d = 'x';
  d = d + d;
  d = d + d + d;
  return [s.length, s, s.foo, w, w.length, c, c.length, d, d.length].join(' ');
}
print(wrappers());
//# st-arguments
function args(a) {
  var s = 'x' + a;
  arguments[0] = 12345;
  s = s + a;
  return [s, s.length, arguments.length].join(' ');
}
print(args('p'), args(7));
//# st-string-then-number-local
function both(n) {
  var parts = '', count = 0, len;
  for (var i = 0; i < n; i++) {
    parts = parts + i + ',';
    len = parts.length;
    count += len;
  }
  return [parts, len, count, count / 3].join(' ');
}
print(both(12));
//# st-add-string-and-primitive
// a string and a primitive joined without a chain (stdlib/ops.c cx_op__add_chain); an object
// on either side still runs its valueOf / toString first
function prims(s) {
  var vals = [undefined, null, true, false, 0, -0, 1.5, -1e21, 1 / 0, 0 / 0, '', 'x'];
  var out = [];
  for (var i = 0; i < vals.length; i++) {
    var v = vals[i];
    out.push(s + v, v + s, (s + v).length);
  }
  var o = { valueOf: function () { out.push('valueOf'); return undefined; } };
  out.push(s + o, o + s);
  return out.join('|');
}
print(prims('s='));
print(prims(''));
