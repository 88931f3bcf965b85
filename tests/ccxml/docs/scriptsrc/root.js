// tests/ccxml/vxml-script-src-app: the application root's script (the application scope)
var rootCount = seed + 1;
function rootTag(x) {
	return 'root' + x;
}
