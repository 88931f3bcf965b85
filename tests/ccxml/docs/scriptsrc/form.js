// tests/ccxml/vxml-script-src: the form's script (through the form's xml:base), in its scope
var formVar = 'form';
function formPart() {
	return formVar + ':' + docPart().slice(4) + '!';
}
