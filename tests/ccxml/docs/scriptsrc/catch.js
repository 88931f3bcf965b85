// tests/ccxml/vxml-script-src: a catch handler's script
function caught(name) {
	return name === 'test.e' ? 'e1' : 'other ' + name;
}
