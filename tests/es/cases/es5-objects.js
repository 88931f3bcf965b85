// ES5 additions to Object and Function (15.2.3.2, .5, .14; 15.3.4.5): Object.keys, Object.create,
// Object.getPrototypeOf, Function.prototype.bind (docs/ecmascript.md, built-in library).
//# bind-this-and-arguments
function add(a, b, c) { return this.base + a + b + c; }
var o = {base: 100};
var f = add.bind(o, 1), g = f.bind(null, 2);
print(f(2, 3), g(3), f.length, g.length, add.bind(o).length, typeof f.prototype);
//# bind-new-and-instanceof
function P(x, y) { this.x = x; this.y = y; }
P.prototype.sum = function () { return this.x + this.y; };
var B = P.bind(null, 10), p = new B(5);
print(p.sum(), p instanceof P, p instanceof B, p.constructor === P);
//# bind-errors-and-arguments
try { Function.prototype.bind.call({}, 1); } catch (e) { print(e.name); }
var h = function () { return arguments.length + ':' + Array.prototype.join.call(arguments); }.bind(null, 'a', 'b');
print(h('c'), h());
//# object-keys
print(Object.keys({b: 1, a: 2, c: 3}).join(), Object.keys([7, 8]).join(), Object.keys('hi').join(), Object.keys(5).length);
function K() { this.own = 1; } K.prototype.inh = 2;
print(Object.keys(new K()).join());
try { Object.keys(null); } catch (e) { print(e.name); }
//# object-create-and-getprototypeof
var base = {greet: function () { return 'hi ' + this.n; }};
var c = Object.create(base); c.n = 'x';
print(c.greet(), Object.getPrototypeOf(c) === base, Object.getPrototypeOf(Object.create(null)), typeof Object.create(null).toString);
var d = Object.create({}, {a: {value: 1, enumerable: true}, b: {value: 2, writable: true}});
d.a = 5; d.b = 6; print(d.a, d.b, Object.keys(d).join(), delete d.a, d.a);
try { Object.create(1); } catch (e) { print(e.name); }
print(Object.getPrototypeOf(1) === Number.prototype, Object.getPrototypeOf([]) === Array.prototype);
//# bind-chain-and-gc
// a bound function keeps its target, this and arguments alive by itself
function mk(i) { var s = 'v' + i; return function (x) { return s + ':' + this.t + ':' + x; }.bind({t: i * 2}, i); }
var fs = [];
for (var i = 0; i < 200; i++) { fs.push(mk(i)); var junk = []; for (var j = 0; j < 50; j++) junk.push({j: j, s: 'junk' + j}); }
print(fs[0](), fs[199](), fs[77]('z'));
//# object-create-accessor-refused
// ES3 objects have no accessors: an accessor descriptor is refused (node makes a getter)
//! es3: TypeError
try { Object.create({}, {a: {get: function () { return 1; }}}); } catch (e) { print(e.name); }
