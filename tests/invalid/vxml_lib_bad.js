// tests/invalid/vxml_script_src.vxml: a script with a syntax error on its line 3
function ok() { return 1; }
var broken = ok( + ;
