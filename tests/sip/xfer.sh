# tests/sip/xfer.sh — sourced by tests/sip/run.sh (uses its W, T, CP, ok, bad, has, sanitized,
# compile, freeport, waitpid_for, PIDS, LIFE, BARESIP_EXTRA); alone with
# `SIP_PART=xfer tests/sip/run.sh BUILD`. Test 2t, a VoiceXML <transfer> over SIP
# (docs/voicexml.md "Transfer"):
#
# The program calls a baresip (the caller) and runs xfer.vxml on the call; its bridged transfer
# goes to CCXML (xfer.ccxml), which calls a sipp UAS with the dialog's aai (X-CCXML-AAI in the
# INVITE, checked in sipp's trace) and joins the two calls. baresip then presses 5 (no sentence
# of the transfer's grammar: ignored) and 9 (RFC 4733), which reach the dialog while the caller
# talks to the far end: dialog.terminatetransfer, the far end gets our BYE, the dialog's item is
# near_end_disconnect with inputmode dtmf and utterance 9. The transferaudio plays to baresip
# from the transfer until the far end answers. Then xferw.ccxml, which keeps no timer of its
# own: the dialog's connecttimeout and maxtime watches, and baresip hanging up during the
# transfer, then during a <record> and during a prompt (no transfer); last the blind transfers
# (xferb.ccxml).

compile "$T/xfer.ccxml" "$W/xfer" "$T/xfer.vxml"
lp_baresip_start "$W/baresip-xfer" "$LIFE" "$BARESIP_EXTRA" || true
XBP=$LP_BARESIP_PORT
XBARESIP=$LP_BARESIP_PID
PIDS+=("$XBARESIP")

XUP=$(freeport)
sed "s/@RTP@/$(freeport)/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/xfer_uas.xml"
sipp_uas xfer_uas "$W/xfer_uas.xml" "$XUP"
xsipp=$SIPP_PID

# three seconds before the keys: the transfer is joined by then (a local sipp answers at once)
python3 "$T/ctrl.py" "$CP" ",,,59" 15000 >"$W/ctrl-xfer.out" 2>&1 &
xctrl=$!
PIDS+=("$xctrl")
lp_wait_for "$W/ctrl-xfer.out" 'ctrl: connected' 15
XSP=$(freeport)
(cd "$W" && exec timeout -k 2 60 ./xfer --sip "127.0.0.1:$XSP" --once --media-root "$W" \
	--values "dest=sip:4072223333@127.0.0.1:$XBP" --values "far=sip:agent@127.0.0.1:$XUP") \
	>"$W/xfer.out" 2>"$W/xfer.err"
xrc=$?
waitpid_for "$xctrl" 10
waitpid_for "$xsipp" 10
wait "$xsipp"
xsrc=$?
if why=$(has "$W/xfer.out" "DIALOG STARTED" "TRANSFER bridge sip:agent@127.0.0.1:$XUP aai=order-43" "vxml transferaudio: someFile.wav" \
		"vxml transferaudio stopped: the far end answered (connection.connected)" "JOINED" \
		"DTMF 5" "vxml transfer: keys its grammar does not take, ignored: 5" "DTMF 9" \
		"vxml transfer ended by the caller: 9" "TERMINATE near_end_disconnect dtmf 9" \
		"FAR DISCONNECTED trigger=local" "DIALOG EXIT near_end_disconnect/dtmf/9/m/true" \
		"DISCONNECTED trigger=local") &&
	why="the keys came before the join" &&
	[ "$(grep -n JOINED "$W/xfer.out" | head -1 | cut -d: -f1)" -lt \
		"$(grep -n 'ignored: 5' "$W/xfer.out" | head -1 | cut -d: -f1)" ] &&
	why=$(has "$W/xfer_uas.msg" "X-CCXML-AAI: order-43" "BYE sip:") &&
	why="exit status $xrc, sipp $xsrc" && [ $xrc = 0 ] && [ $xsrc = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/xfer.err"; then
	ok "VoiceXML <transfer> over SIP: aaiexpr in the far end's INVITE, transferaudio until the join, the caller's 9 ends the joined transfer (near_end_disconnect, dtmf, 9)"
else
	bad "VoiceXML <transfer> over SIP" "$why" "$W/xfer.out" "$W/xfer.err" "$W/ctrl-xfer.out" "$W/xfer_uas.msg"
fi

# The dialog's own watches and the caller's hang-up (xferw.ccxml keeps no timer: the dialog's
# dialog.terminatetransfer ends the transfer): a sipp that rings without answering
# (connecttimeout 2 s: noanswer 2.5 s after dialog.transfer, CANCEL), one that answers and stays
# (maxtime 2 s: maxtime_disconnect 2.5 s after the answer, our BYE), baresip hanging up while
# joined to the far end (connection.disconnect.hangup caught, its <exit expr> in dialog.exit;
# the document ends the far end's leg). Each case: NAME|UAS|CTRL-HANGUP-MS|LINES...
compile "$T/xferw.ccxml" "$W/xferw" "$T/xferw.vxml"
for r in "noanswer|uas_noanswer|20000|TRANSFER bridge connecttimeout=2000 maxtime=undefined|vxml transferaudio: someFile.wav|vxml transfer: no answer within connecttimeout: noanswer|TERMINATE noanswer after 2.5 s|vxml transferaudio stopped: the transfer is over|FAR DISCONNECTED trigger=local|CALLER DISCONNECTED trigger=local|DIALOG EXIT noanswer/0" \
	"maxtime|uas_sink|20000|TRANSFER bridge connecttimeout=30000 maxtime=2000|JOINED|vxml transfer: maxtime reached: maxtime_disconnect|TERMINATE maxtime_disconnect after 2.5 s|FAR DISCONNECTED trigger=local|CALLER DISCONNECTED trigger=local|DIALOG EXIT maxtime_disconnect/true" \
	"hangup|uas_sink|4000|TRANSFER bridge|vxml transferaudio stopped: the far end answered (connection.connected)|JOINED|CALLER DISCONNECTED trigger=remote|vxml transfer: the caller hung up: connection.disconnect.hangup|FAR DISCONNECTED trigger=local|DIALOG EXIT connection.disconnect.hangup/undefined"; do
	IFS='|' read -r name uas hang lines <<<"$r"
	IFS='|' read -r -a want <<<"$lines"
	sed "s/@RTP@/$(freeport)/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/$uas.xml" >"$W/xferw_$name.xml"
	XUP=$(freeport)
	sipp_uas "xferw_$name" "$W/xferw_$name.xml" "$XUP"
	xsipp=$SIPP_PID
	python3 "$T/ctrl.py" "$CP" "$hang" >"$W/ctrl-xferw_$name.out" 2>&1 &
	xctrl=$!
	PIDS+=("$xctrl")
	lp_wait_for "$W/ctrl-xferw_$name.out" 'ctrl: connected' 15
	XSP=$(freeport)
	(cd "$W" && exec timeout -k 2 60 ./xferw --sip "127.0.0.1:$XSP" --once --media-root "$W" \
		--values "dest=sip:4072223333@127.0.0.1:$XBP" --values "far=sip:agent@127.0.0.1:$XUP" \
		--values "kase=$name") >"$W/xferw_$name.out" 2>"$W/xferw_$name.err"
	xrc=$?
	waitpid_for "$xctrl" 10
	waitpid_for "$xsipp" 10
	wait "$xsipp"
	xsrc=$?
	if why=$(has "$W/xferw_$name.out" "${want[@]}") &&
		why="an ERROR line" && ! grep -q ERROR "$W/xferw_$name.out" &&
		why="exit status $xrc, sipp $xsrc" && [ $xrc = 0 ] && [ $xsrc = 0 ] &&
		why="sanitizer report" && ! sanitized "$W/xferw_$name.err"; then
		ok "VoiceXML bridged <transfer> over SIP, a document without timers: $name (${want[-1]#DIALOG EXIT })"
	else
		bad "VoiceXML bridged <transfer> over SIP ($name)" "$why" "$W/xferw_$name.out" "$W/xferw_$name.err" \
			"$W/ctrl-xferw_$name.out" "$W/xferw_$name.sipperr"
	fi
done

# The caller's hang-up outside transfers (docs/voicexml.md "The caller hangs up"), no sipp (there
# is no transfer): baresip hangs up 5 s into the call while xferw.vxml's <record> records (the
# recording so far its item's value), 2 s into it while a long prompt plays (the prompt cut):
# connection.disconnect.hangup caught, its <exit expr> in dialog.exit after the caller's
# connection.disconnected. Each case: NAME|CTRL-HANGUP-MS|LINES...
for r in "record|5000|vxml prompt: Speak now.|vxml record ended by the hang-up|DIALOG EXIT connection.disconnect.hangup/rec true/1" \
	"prompt|2000|vxml prompt: Welcome to the account service.|DIALOG EXIT connection.disconnect.hangup/welcome"; do
	IFS='|' read -r name hang lines <<<"$r"
	IFS='|' read -r -a want <<<"$lines"
	python3 "$T/ctrl.py" "$CP" "$hang" >"$W/ctrl-xferw_$name.out" 2>&1 &
	xctrl=$!
	PIDS+=("$xctrl")
	lp_wait_for "$W/ctrl-xferw_$name.out" 'ctrl: connected' 15
	XSP=$(freeport)
	mkdir -p "$W/rec-xferw_$name"
	(cd "$W" && exec timeout -k 2 60 ./xferw --sip "127.0.0.1:$XSP" --once --media-root "$W" \
		--record-dir "$W/rec-xferw_$name" --values "dest=sip:4072223333@127.0.0.1:$XBP" \
		--values "far=sip:nobody@127.0.0.1:9" --values "kase=$name") >"$W/xferw_$name.out" 2>"$W/xferw_$name.err"
	xrc=$?
	waitpid_for "$xctrl" 10
	if why=$(has "$W/xferw_$name.out" "CALLER DISCONNECTED trigger=remote" \
			"vxml: the caller hung up: connection.disconnect.hangup" "${want[@]}") &&
		why="dialog.exit before connection.disconnected" &&
		[ "$(grep -n 'CALLER DISCONNECTED' "$W/xferw_$name.out" | head -1 | cut -d: -f1)" -lt \
			"$(grep -n 'DIALOG EXIT' "$W/xferw_$name.out" | head -1 | cut -d: -f1)" ] &&
		why="no recording" && { [ "$name" != record ] || ls "$W/rec-xferw_$name"/*.wav >/dev/null 2>&1; } &&
		why="an ERROR line" && ! grep -q ERROR "$W/xferw_$name.out" &&
		why="exit status $xrc" && [ $xrc = 0 ] &&
		why="sanitizer report" && ! sanitized "$W/xferw_$name.err"; then
		ok "VoiceXML over SIP: the caller hangs up during a $name (connection.disconnect.hangup caught, ${want[-1]#DIALOG EXIT })"
	else
		bad "VoiceXML over SIP: the caller hangs up during a $name" "$why" "$W/xferw_$name.out" \
			"$W/xferw_$name.err" "$W/ctrl-xferw_$name.out"
	fi
done
kill "$XBARESIP" 2>/dev/null
waitpid_for "$XBARESIP" 5

# A blind transfer (xferb.ccxml, xferb.vxml) performed with <redirect>: sipp's sipfrag 200 (the
# caller went: connection.disconnect.transfer, caught, 'unknown', the block in the final
# processing state) and 486 (the outcome busy fills the item)
compile "$T/xferb.ccxml" "$W/xferb" "$T/xferb.vxml"
for r in "xferb200|200|OK|REDIRECTED state=DISCONNECTED|VX CAUGHT unknown|DIALOG EXIT unknown" \
	"xferb486|486|Busy Here|REDIRECT FAILED reason=busy|VX FILLED busy|DIALOG EXIT busy"; do
	IFS='|' read -r name code phrase w1 w2 w3 <<<"$r"
	sed "s/@CODE@/$code/; s/@PHRASE@/$phrase/" "$T/uas_refer.xml" >"$W/$name.xml"
	XUP=$(freeport)
	XSP=$(freeport)
	sipp_uas "$name" "$W/$name.xml" "$XUP"
	xsipp=$SIPP_PID
	(cd "$W" && exec timeout -k 2 60 ./xferb --sip "127.0.0.1:$XSP" --once --media-root "$W" \
		--values "dest=sip:bob@127.0.0.1:$XUP" --values "far=sip:carol@127.0.0.1:$XUP") \
		>"$W/$name.out" 2>"$W/$name.err"
	xrc=$?
	waitpid_for "$xsipp" 10
	wait "$xsipp"
	xsrc=$?
	if why=$(has "$W/$name.out" "TRANSFER blind sip:carol@127.0.0.1:$XUP" "vxml transferaudio: someFile.wav" \
			"$w1" "vxml transferaudio stopped: the transfer is over" "$w2" "$w3") &&
		why=$(has "$W/$name.msg" "Refer-To: <sip:carol@127.0.0.1:$XUP>" "BYE sip:transferee@") &&
		why="exit status $xrc, sipp $xsrc" && [ $xrc = 0 ] && [ $xsrc = 0 ] &&
		why="sanitizer report" && ! sanitized "$W/$name.err"; then
		ok "VoiceXML blind <transfer> over SIP, REFER's sipfrag $code: ${w2#VX }"
	else
		bad "VoiceXML blind <transfer> over SIP ($name)" "$why" "$W/$name.out" "$W/$name.err" "$W/$name.sipperr"
	fi
done
