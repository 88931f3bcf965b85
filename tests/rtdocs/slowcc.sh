#!/bin/sh
# tests/rtdocs: tcc as $CCXML_DOC_CC, the first compile of a test ($SLOWCC_ONCE, a directory
# made once) 4 s longer: the documents fetched meanwhile wait for it or are refused.
if [ -n "${SLOWCC_ONCE:-}" ] && mkdir "$SLOWCC_ONCE" 2>/dev/null; then
	sleep 4
fi
exec tcc "$@"
