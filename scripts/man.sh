#!/bin/sh
# scripts/man.sh TEMPLATE VERSION < HELP-TEXT > PAGE — a man page from its hand-written TEMPLATE
# (docs/man/*.in): @VERSION@ becomes VERSION and the line @OPTIONS@ becomes the options of a program's --help text, so the
# page lists exactly the options the program takes. An option line of --help starts with two
# spaces and '-'; its description follows after two or more spaces, or on the lines below,
# which are indented further.
set -eu
awk -v tmpl="$1" -v version="$2" '
function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); return s }
function flush() {
	if (opt == "") return
	out = out ".TP\n\\fB" esc(opt) "\\fR" (arg != "" ? " \\fI" esc(arg) "\\fR" : "") "\n"
	d = desc; sub(/^ +/, "", d)
	if (d ~ /^[.\047]/) d = "\\&" d
	out = out esc(d) "\n"
	opt = ""; arg = ""; desc = ""
}
/^  -/ {
	flush()
	line = substr($0, 3)
	n = match(line, /  +/)
	spec = n ? substr(line, 1, n - 1) : line
	desc = n ? substr(line, n + RLENGTH) : ""
	# the spec: the option words (each starting with "-", or "," between), then the argument
	k = split(spec, w, " ")
	for (i = 1; i <= k; i++) {
		if (w[i] ~ /^-/ || (opt != "" && w[i] ~ /^-/)) opt = opt (opt == "" ? "" : " ") w[i]
		else arg = arg (arg == "" ? "" : " ") w[i]
	}
	next
}
/^        +[^ ]/ && opt != "" { t = $0; sub(/^ +/, "", t); desc = desc (desc == "" ? "" : " ") t; next }
{ flush() }
END {
	flush()
	while ((getline l < tmpl) > 0) {
		if (l == "@OPTIONS@") printf "%s", out
		else { gsub(/@VERSION@/, version, l); print l }
	}
}'
