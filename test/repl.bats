#!/usr/bin/env bats
# repl — `ddb` with no command: lines on stdin run as a script (how most of these tests drive it), and a terminal
# session in tmux (prompt, Tab completion of commands and table names, history, Ctrl-C, .prod confirmation).

load test_helper

create_table() { # WIRE-NAME: created and ACTIVE
	ddb_local CreateTable '{"TableName":"'"$1"'","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
	wait_for 20 table_active "$1"
}

table_active() { # WIRE-NAME
	ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -e '.Table.TableStatus == "ACTIVE"' >/dev/null
}

put_item() { # WIRE-NAME PK
	ddb_local PutItem '{"TableName":"'"$1"'","Item":{"pk":{"S":"'"$2"'"}}}' >/dev/null
}

# ---- script mode -------------------------------------------------------------------------------------------------

@test "script: several commands run in order over stdin; an error does not stop the script" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	run -0 --separate-stderr "$DDB" <<-EOF
		list-tables --namespace $ns
		describe nosuch --namespace $ns
		# a comment, then a blank line

		version
	EOF
	assert_line --index 0 users
	assert_line --partial "ddb "
	[[ $stderr == *"ddb: describe:"*"nosuch"* ]]
	# the exit status is the last line's
	run -66 "$DDB" <<<"describe nosuch-$ns"
	run -0 "$DDB" <<<""
	# `ddb repl` is the same
	run -0 "$DDB" repl <<<"list-tables --namespace $ns"
	assert_output users
	[[ ! -e $HOME/.ddb_history ]]   # no history without a terminal
}

@test "script: --bail stops at the first failing line with its exit status" {
	local ns
	ns=$(unique_ns)
	run -66 --separate-stderr "$DDB" --bail <<-EOF
		version
		describe nosuch --namespace $ns
		version
	EOF
	[[ $(grep -c '^ddb ' <<<"$output") -eq 1 ]]
	run -64 "$DDB" repl --bail <<<$'scan --no-such-option\nversion'
	refute_output --partial "ddb 0"
	# without --bail the last line decides
	run -0 "$DDB" <<<$'scan --no-such-option\nversion'
}

@test "script: the same output as the command line, per-line global options do not stick" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	put_item "${ns}users" u1
	put_item "${ns}users" u2
	run -0 "$DDB" scan users --namespace "$ns"
	local direct=$output
	run -0 "$DDB" <<<"scan users --namespace $ns"
	[[ $output == "$direct" ]]
	# --output json on one line only; the next line prints the piped default again
	run -0 "$DDB" <<-EOF
		list-tables --namespace $ns --output json
		list-tables --namespace $ns
	EOF
	assert_line --index 0 '['
	assert_line users
	# a --prod on one line does not leave the session in prod (no region, no credentials: that line fails)
	run -0 --separate-stderr "$DDB" <<-EOF
		list-tables --prod
		list-tables --namespace $ns
	EOF
	assert_output users
}

@test "script: meta-commands set the session (.namespace, .use, .output, .region, .status)" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	put_item "${ns}users" u1
	run -0 "$DDB" <<-EOF
		.namespace $ns
		.use users
		.output json
		.region eu-west-1
		.status
		list-tables
		.output -
		scan
		describe --output json
	EOF
	assert_line "environment  local"
	assert_line "namespace    $ns"
	assert_line "table        users"
	assert_line "region       eu-west-1"
	assert_line "output       json"
	assert_line '{"pk":"u1"}'   # scan with the default table, piped default output again
	assert_line --partial '"wire_name":'
	[[ $output == *"\"${ns}users\""* ]]
	# reset with '-'
	run -0 "$DDB" <<<$'.namespace x_\n.use t\n.namespace -\n.use -\n.status'
	assert_line "namespace    (none)"
	assert_line "table        (none)"
	run -0 "$DDB" <<<$'.help'
	assert_line --partial ".use"
	assert_line --partial ".prod"
	run -64 --separate-stderr "$DDB" <<<'.nonsense'
	[[ $stderr == *"not a meta-command"* ]]
	run -64 "$DDB" <<<'.output xml'
	run -64 "$DDB" <<<'.region EU_WEST'
}

@test "script: .use fills TABLE only where the command takes one, never for destructive commands" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	create_table "${ns}orders"
	run -0 "$DDB" <<-EOF
		.namespace $ns
		.use users
		describe -o json
		describe orders -o json
		wait --exists --wait-timeout 5
	EOF
	[[ $(grep -cE "\"wire_name\":[[:space:]]*\"${ns}users\"" <<<"$output") -eq 1 ]]
	[[ $(grep -cE "\"wire_name\":[[:space:]]*\"${ns}orders\"" <<<"$output") -eq 1 ]]
	# drop never gets the default table: a usage error, and the table is still there
	run -64 --separate-stderr "$DDB" <<-EOF
		.namespace $ns
		.use users
		drop
	EOF
	ddb_local DescribeTable '{"TableName":"'"$ns"'users"}' >/dev/null
}

@test "script: .use fills the TABLE of query and of stream tail/list (after the subcommand word), not the patterns" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	put_item "${ns}users" alice
	run -0 --separate-stderr "$DDB" <<-EOF
		.namespace $ns
		.use users
		query --pk alice -o jsonl
	EOF
	assert_equal "$(jq -c . <<<"$output")" '{"pk":"alice"}'
	# the table has no stream: the error names the table .use gave
	run -66 --separate-stderr "$DDB" --bail <<-EOF
		.namespace $ns
		.use users
		stream tail
	EOF
	[[ $stderr == *"table 'users' has no stream"* ]]
	# stream list TABLE: only that table's streams (without a table it lists every table of the namespace)
	ddb_local CreateTable '{"TableName":"'"$ns"'s","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}}' >/dev/null
	wait_for 20 table_active "${ns}s"
	run -0 --separate-stderr "$DDB" <<-EOF
		.namespace $ns
		stream list -o jsonl
		.use users
		stream list -o jsonl
	EOF
	assert_equal "$(jq -r .TableName <<<"$output")" s
	# a pattern takes a uuid, not the default table: 'conversations' runs as written (its own --table)
	run -64 --separate-stderr "$DDB" --bail <<-EOF
		.use users
		query conversations
	EOF
	[[ $stderr == *"missing USER_UUID"* ]]
}

@test "script: quotes, escapes, continuation lines; an unterminated quote at the end is a usage error" {
	run -0 "$DDB" <<-'EOF'
		.use 'a table'
		.use
		.use "it's"
		.use
		.use two\ words
		.use
		.use one\
		word
		.use
	EOF
	assert_equal "$output" $'a table\nit\'s\ntwo words\noneword'
	run -64 --separate-stderr "$DDB" <<<".use 'open"
	[[ $stderr == *"unterminated quote"* ]]
	# a pasted "ddb " in front of a command is fine
	run -0 "$DDB" <<<"ddb version"
	assert_output --partial "ddb "
}

@test "script: backslash-newline joins lines as a shell does (no empty word); 20,000 continued lines in linear time" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}items"
	put_item "${ns}items" a
	put_item "${ns}items" b
	run -0 --separate-stderr "$DDB" --namespace "$ns" < <(printf 'scan \\\n items --count\n')
	assert_output 2
	run -0 --separate-stderr "$DDB" --namespace "$ns" < <(printf 'sc\\\nan items \\\n\\\n   --count\n')
	assert_output 2
	# 20,000 continuation lines, each with a word: re-splitting from the start each time took ~15 s (quadratic);
	# a single pass takes well under a second, so a generous bound catches the old behaviour without timing it
	local f=$BATS_TEST_TMPDIR/long.ddb
	{ printf '.use \\\n'; for ((i = 0; i < 20000; i++)); do printf '%40s\\\n' ''; done; printf 'x\n.use\n'; } >"$f"
	run -0 --separate-stderr timeout 20 "$DDB" <"$f"
	assert_output x
}

@test "script: .prod needs --yes without a terminal; .local goes back; exit N ends with N" {
	run -64 --separate-stderr "$DDB" <<<'.prod'
	[[ $stderr == *"--yes"* ]]
	run -0 --separate-stderr "$DDB" <<<$'.prod\n.status'
	assert_line "environment  local"
	run -0 --separate-stderr "$DDB" <<<$'.region eu-west-1\n.prod --yes\n.status\n.local\n.status'
	assert_line "environment  prod"
	assert_line "environment  local"
	# a session can start in prod from ddb's own options
	run -0 "$DDB" --prod --region eu-west-2 <<<'.status'
	assert_line "environment  prod"
	assert_line "region       eu-west-2"
	run -3 "$DDB" <<<$'exit 3\nversion'
	refute_output --partial "ddb "
	run -0 "$DDB" <<<$'.quit\nnonsense'
	# a bad code is an error, and the session goes on
	run -5 --separate-stderr "$DDB" <<<$'.quit x\nexit 300\nversion\nexit 5'
	[[ $stderr == *"'x' is not an exit code"* && $stderr == *"'300' is not an exit code"* ]]
	assert_output --partial "ddb "
}

@test "script: Ctrl-C (SIGINT) stops the running line and the script, with 130" {
	local ns pid rc=0
	ns=$(unique_ns)
	create_table "${ns}t"
	printf 'wait t --gone --wait-timeout 60\nversion\n' >"$BATS_TEST_TMPDIR/script"
	"$DDB" --namespace "$ns" <"$BATS_TEST_TMPDIR/script" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 1.5
	kill -INT "$pid"
	wait "$pid" || rc=$?
	[[ $rc -eq 130 ]] || { echo "exit $rc"; cat "$BATS_TEST_TMPDIR/err"; return 1; }
	grep -q 'interrupted' "$BATS_TEST_TMPDIR/err"
	[[ ! -s $BATS_TEST_TMPDIR/out ]]   # the next line never ran
}

@test "script: commands that cannot run inside the REPL say so; the REPL goes on" {
	run -0 --separate-stderr "$DDB" <<<$'repl\nlocal status\nversion'
	[[ $stderr == *"repl: not available inside the REPL"* ]]
	[[ $stderr == *"local: not available inside the REPL"* ]]
	assert_output --partial "ddb "
}

# ---- a terminal session (tmux) ----------------------------------------------------------------------------------

tmux_start() { # COMMAND...
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	TERM=${TERM:-xterm} tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 160 -y 40 "$@"
}

teardown() {
	[[ -n ${TMUX_SOCK-} ]] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	return 0
}

screen() { tmux -S "$TMUX_SOCK" capture-pane -p -S -200; }
keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
screen_has() { screen | grep -qE -- "$1"; }
expect() { # REGEX: wait until the screen shows it (prints the screen when it does not)
	wait_for 15 screen_has "$1" || {
		echo "screen never showed /$1/:"
		screen
		return 1
	}
}

@test "terminal: the prompt, Tab completion of a command and of a table name, history in ~/.ddb_history" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	tmux_start env DDB_NAMESPACE="$ns" "$DDB"
	expect "^ddb\[local ns=$ns\]>"
	keys 'list-t' Tab
	expect '> list-tables$'
	keys Enter
	expect '^users$'
	keys 'describe us' Tab
	expect '> describe users$'
	keys Enter
	expect 'ACTIVE'
	keys '.use users' Enter
	expect "^ddb\[local ns=$ns table=users\]>$"
	keys '.namespace -' Enter
	expect '^ddb\[local table=users\]>$'
	keys C-d
	wait_for 10 bash -c "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null"
	grep -q '^list-tables$' "$HOME/.ddb_history"
	grep -q '^describe\\040users$' "$HOME/.ddb_history"
	[[ $(stat -c %a "$HOME/.ddb_history") == 600 ]]
}

@test "terminal: history is read back (Up arrow); lines naming secrets are not kept" {
	printf '_HiStOrY_V2_\nversion\n' >"$HOME/.ddb_history"
	tmux_start "$DDB"
	expect '^ddb\[local\]>$'
	keys Up
	expect '^ddb\[local\]> version$'
	keys C-u '.use my-secret-table' Enter
	expect 'table=my-secret-table'
	keys '.use tok-AKIAIOSFODNN7EXAMPLE' Enter
	expect 'table=tok-AKIA'
	keys '.use api-token' Enter
	expect 'table=api-token'
	keys '.use kept' Enter
	expect 'table=kept'
	keys C-d
	wait_for 10 bash -c "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null"
	! grep -q secret "$HOME/.ddb_history"
	! grep -q AKIA "$HOME/.ddb_history"
	! grep -q token "$HOME/.ddb_history"
	grep -q '^\.use\\040kept$' "$HOME/.ddb_history"
}

@test "terminal: Ctrl-C stops a running command and returns to the prompt; at the prompt it clears the line" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}t"
	tmux_start "$DDB" --namespace "$ns"
	expect "^ddb\[local ns=$ns\]>$"
	keys 'wait t --gone --wait-timeout 120' Enter
	sleep 1
	keys C-c
	expect 'interrupted'
	expect "^ddb\[local ns=$ns\]>$"
	keys 'half a line' C-c
	expect '^\^C$'
	keys 'version' Enter
	expect '^ddb [0-9]'
	# still the same session: exit leaves
	keys 'exit' Enter
	wait_for 10 bash -c "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null"
}

@test "terminal: .prod asks to type 'prod'; the prompt shows prod and the region" {
	tmux_start "$DDB"
	expect '^ddb\[local\]>$'
	keys '.region eu-west-1' Enter
	keys '.prod' Enter
	expect "Type 'prod' to confirm"
	keys 'no' Enter
	expect 'not confirmed'
	expect '^ddb\[local\]>$'
	keys '.prod' Enter
	expect "Type 'prod' to confirm:$"
	keys 'prod' Enter
	expect '^ddb\[prod:eu-west-1\]>$'
	keys '.local' Enter
	expect '^ddb\[local\]>$'
}

@test "terminal: Ctrl-C stops stream tail --follow; .use fills the table after 'tail'; the session goes on" {
	local ns
	ns=$(unique_ns)
	ddb_local CreateTable '{"TableName":"'"$ns"'s","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}' >/dev/null
	wait_for 20 table_active "${ns}s"
	put_item "${ns}s" first
	tmux_start "$DDB" --namespace "$ns" -o jsonl
	expect "^ddb\[local ns=$ns\]>$"
	keys '.use s' Enter
	expect "^ddb\[local ns=$ns table=s\]>$"
	keys 'stream tail --follow --plain' Enter
	expect '"NewImage":\{"pk":"first"\}'
	sleep 1
	keys C-c
	expect 'interrupted'
	expect "^ddb\[local ns=$ns table=s\]>$"
	keys 'stream list' Enter
	expect "\"TableName\":\"s\""
	keys 'exit' Enter
	wait_for 10 bash -c "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null"
}

@test "terminal: Tab completes options and their values; an error returns to the prompt; a resize redraws the line" {
	tmux_start "$DDB" --no-history
	expect '^ddb\[local\]>$'
	keys 'describe --out' Tab
	expect '> describe --output$'
	keys 'js' Tab
	expect '> describe --output json$'
	keys Tab
	expect '^json +jsonl$'
	keys C-u 'describe no-such-table' Enter
	expect "^ddb: describe: table 'no-such-table' does not exist"
	expect '^ddb\[local\]>$'
	keys 'scan --no-such-option' Enter
	expect "^ddb: scan: unknown option '--no-such-option'"
	expect '^ddb\[local\]>$'
	# Ctrl-W deletes the previous word, as in readline
	keys 'describe one two' C-w
	expect '> describe one$'
	keys C-u
	# a narrower terminal: the line is redrawn for the new width (editing lands where it is shown)
	tmux -S "$TMUX_SOCK" resize-window -x 50
	sleep 0.5
	keys "describe $(printf 'a%.0s' {1..70}) b"
	keys C-a M-f X
	expect '^ddb\[local\]> describeX a+$'
	keys C-u 'version' Enter
	expect '^ddb [0-9]'
}
