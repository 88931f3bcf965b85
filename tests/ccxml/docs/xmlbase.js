// tests/ccxml/s12-xml-base-script.ccxml: read at compile time through its <script>'s xml:base
var fromBase = 'docs/xmlbase.js';
