// tests/rtdocs/vxml.sh: the <script src> of approot.vxml, run in the application scope
function mark(s) { trail = trail + s; }
