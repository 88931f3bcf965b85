// tests/ccxml/vxml-script-src: a block's script; its var is the block's
var blockLocal = 3 + 4;
