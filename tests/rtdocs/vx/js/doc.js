// tests/rtdocs/vx/script.vxml: the document's script, fetched with it
var docTag = base + 'CRIPT';
function tag(s) {
	return docTag + '-' + s;
}
