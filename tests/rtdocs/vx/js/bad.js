// tests/rtdocs/vx/scriptbad.vxml: a syntax error on line 3
function ok() { return 1; }
var broken = ok( + ;
