#!/usr/bin/env bats
# terminal_safety — item data and server text never drive the terminal: on a terminal (a pty from script(1)) every
# view shows controls (ESC, BEL, DEL, C1 U+0080..U+009F) blanked or escaped (lib/base/term.h); piped output stays
# byte-exact.

load test_helper

setup() {
	ns=$(unique_ns)
	t=${ns}evil
	ddb_local CreateTable '{"TableName":"'"$t"'","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST",
		"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}' >/dev/null
	# OSC 0 (window title) ended by BEL; CSI 2J (clear screen); an 8-bit CSI (U+009B) and DEL
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"k\u001b]0;title\u00071"},
		"v":{"S":"x\u001b]0;title\u0007y"}}}' >/dev/null
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"k2"},"v":{"S":"\u001b[2Jz\u009b31m\u007f"}}}' >/dev/null
}

# on_tty CMD...: run CMD with stdin, stdout and stderr on a pty; output in $output (CR LF line ends).
# script(1) runs the command with $SHELL, or /bin/sh when it is unset (as in CI): printf %q may write bash's $'...'
# quoting, so the shell is bash whatever the environment says.
on_tty() {
	local cmd= a
	for a in "$@"; do
		cmd+=" $(printf '%q' "$a")"
	done
	SHELL=$BASH script -qec "$cmd" /dev/null
}

# no_raw_controls: $output holds no ESC, BEL, DEL or UTF-8 C1 control.
no_raw_controls() {
	[[ $output != *$'\e'* ]] || { echo "raw ESC reached the terminal: $(od -c <<<"$output" | head -20)"; return 1; }
	[[ $output != *$'\a'* ]] || { echo "raw BEL reached the terminal"; return 1; }
	[[ $output != *$'\x7f'* ]] || { echo "raw DEL reached the terminal"; return 1; }
	[[ $output != *$'\xc2\x9b'* ]] || { echo "raw C1 CSI reached the terminal"; return 1; }
}

@test "terminal: scan and query -o text show controls blanked; piped they are byte-exact" {
	run -0 on_tty "$DDB" scan "$t" -o text -q
	no_raw_controls
	assert_output --partial 'x ]0;title y'
	assert_output --partial ' [2Jz 31m '
	run -0 on_tty "$DDB" query "$t" --pk k2 -o text -q
	no_raw_controls
	assert_output --partial ' [2Jz 31m '
	# piped: the bytes as stored
	"$DDB" scan "$t" -o text >"$BATS_TEST_TMPDIR/out"
	grep -qF $'x\e]0;title\ay' "$BATS_TEST_TMPDIR/out"
	grep -qF $'\e[2Jz\xc2\x9b31m\x7f' "$BATS_TEST_TMPDIR/out"
	"$DDB" query "$t" --pk k2 -o text >"$BATS_TEST_TMPDIR/out"
	grep -qF $'\e[2Jz\xc2\x9b31m\x7f' "$BATS_TEST_TMPDIR/out"
}

@test "terminal: the table view and JSON on a terminal escape controls; piped JSON is byte-exact" {
	run -0 on_tty "$DDB" scan "$t" -q
	no_raw_controls
	assert_output --partial 'x ]0;title y'
	run -0 on_tty "$DDB" scan "$t" -o jsonl -q
	no_raw_controls
	assert_output --partial '"x\u001b]0;title\u0007y"'
	assert_output --partial '"\u001b[2Jz\u009b31m\u007f"'
	"$DDB" scan "$t" -o jsonl >"$BATS_TEST_TMPDIR/out"
	grep -qF $'"\\u001b[2Jz\xc2\x9b31m\x7f"' "$BATS_TEST_TMPDIR/out"
	json_eq "$(jq -c 'select(.pk == "k2") | .v' "$BATS_TEST_TMPDIR/out")" '"\u001b[2Jz\u009b31m\u007f"'
}

@test "terminal: stream tail's one-line view shows item keys with controls blanked" {
	run -0 on_tty "$DDB" stream tail "$t" -q
	no_raw_controls
	assert_output --partial 'INSERT k ]0;title 1'
	# piped: JSON lines, the key as stored
	run -0 --separate-stderr "$DDB" stream tail "$t" -q
	[[ $output == *'"k\u001b]0;title\u00071"'* ]]
}

@test "terminal: error messages quoting data and server text show no raw controls" {
	# (a table name DynamoDB cannot accept is refused before it is sent, 64: the message quotes it all the same)
	local bad=$'t\e]0;title\a\xc2\x9b2J\x7fx'
	run -64 on_tty "$DDB" describe "$bad"
	no_raw_controls
	assert_output --partial "table name 't?]0;title???2J?x': byte 2 is not allowed"
	run -64 on_tty "$DDB" drop --if-exists "$bad"
	no_raw_controls
	assert_output --partial "ddb: drop: 't ]0;title  2J x': "
	# piped stderr is one line with the same blanks: a diagnostic, not data
	run -64 --separate-stderr "$DDB" drop "$bad"
	[[ $stderr == "ddb: drop: 't ]0;title  2J x': "* ]]
}

@test "terminal: a server's error text with controls is shown blanked on a terminal and on stderr" {
	local d=$BATS_TEST_TMPDIR
	python3 "$DDB_TEST_ROOT/test/standins/hostile_errors.py" --port-file "$d/url" </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	wait_for 10 test -s "$d/url"
	local url
	url=$(<"$d/url")
	run -1 on_tty "$DDB" describe --endpoint-url "$url" --max-attempts 1 "${ns}tbl"
	kill "$pid" 2>/dev/null || true
	no_raw_controls
	assert_output --partial "evil  ]0;pwned  then  [2J and  31m and   end"
	[[ $output != *pwned$'\a'* ]]
}
