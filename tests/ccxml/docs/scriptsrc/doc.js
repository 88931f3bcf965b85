// tests/ccxml/vxml-script-src: the document's script, run between its <var>s
var second = first + 1;
function docPart() {
	return 'doc:' + second + ':' + third;
}
