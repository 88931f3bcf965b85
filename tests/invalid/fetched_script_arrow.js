// a fetched script is ECMAScript 3, as inline ones are
var ok = 1;
var f = (x) => x;
