var n = 1;
function f(a) {
  return a +;
}
