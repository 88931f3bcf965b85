// es-error-place.ccxml: functions whose exceptions arise on known lines of this file.
function deep(o) {
  return o.x.y;
}
function viaFinally(o) {
  var k = 0;
  try {
    k = 1;
    return deep(o) + k;
  } finally {
    k = 2;
  }
}
function rethrow(o) {
  try {
    return viaFinally(o);
  } catch (e) {
    throw e;
  }
}
function fresh() {
  try {
    deep({});
  } catch (e) {
    throw new Error('again');
  }
}
