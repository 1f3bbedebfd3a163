# test_helper.bash — loaded by every .bats file (`load test_helper`).  Bats re-reads the test file for every
# test, so everything at the top level here runs afresh before each test (and once before setup_file).
#
# What every test gets:
#   - bats-support and bats-assert (assert_success, assert_output --partial, assert_line, refute_output, ...);
#   - a scrubbed environment: every AWS_* and DDB_* variable unset except the suite's own (DDB, DDB_BIN,
#     DDB_VALGRIND, DDB_TEST_*), proxies and XDG_* unset, a fresh empty HOME (so no ~/.aws, no ddb config),
#     LC_ALL=C, TZ=UTC, CI=true, NO_COLOR=1, PAGER=cat, AWS_EC2_METADATA_DISABLED=true;
#   - DDB_LOCAL_ENDPOINT=$DDB_TEST_LOCAL_URL: ddb's local mode talks to the suite's DynamoDB Local;
#   - DDB: absolute path of the ddb under test (a valgrind wrapper under `make valgrind`); DDB_BIN: the real binary;
#     DDB_TEST_ROOT: the repository root.  The working directory stays the repository root: write files under
#     $BATS_TEST_TMPDIR, never into the tree.
#   Set AWS_*/DDB_* variables a test needs inside the test or its setup(), not in setup_file (they would be
#   scrubbed again before each test); values shared by a whole file belong in DDB_TEST_* names.
#
# Helpers:
#   unique_ns                   prints a fresh prefix like t_1f3a9c02_ for table names; engines are shared by all
#                               tests of the suite, so every table a test creates must carry one.
#   ddb_raw URL TARGET [JSON]   POST straight to an engine (TARGET "CreateTable" means DynamoDB_20120810.CreateTable;
#                               a dotted target such as AWSCognitoIdentityProviderService.ListUserPools is sent as is,
#                               as JSON 1.1).  Prints the response body; fails on HTTP >= 300.  Use it to set up or
#                               inspect state independently of ddb.  Example:
#                                 ddb_raw "$DDB_TEST_LOCAL_URL" DescribeTable '{"TableName":"'"$ns"'users"}'
#   ddb_local TARGET [JSON]     ddb_raw against the engine DDB_LOCAL_ENDPOINT points to.
#   json_eq A B                 compares two JSON texts semantically (jq -S: key order and spacing ignored, array
#                               order significant); on mismatch prints a diff and fails.  Numbers go through jq,
#                               i.e. doubles: compare DynamoDB numbers as their {"N":"..."} strings.
#   use_local / use_dynalite    point DDB_LOCAL_ENDPOINT (and DDB_TEST_ENGINE) at DynamoDB Local / dynalite.
#   use_s3                      point AWS_ENDPOINT_URL_S3 at the suite's s3rver (DDB_TEST_S3_URL).
#   on_both_engines FN [ARGS]   runs FN ARGS twice, each in a subshell: against DynamoDB Local, then dynalite;
#                               fails (saying which engine) if either run fails.  Asserts inside FN work as usual.
#                               The alternative is two @test lines calling one function, the second after
#                               use_dynalite — that reports the two engines separately.
#   ddb_link NAME               prints the path of a command NAME (e.g. ddb-scan) that runs the ddb under test with
#                               argv[0]=NAME — a symlink to DDB_BIN, or a valgrind wrapper under DDB_VALGRIND=1.
#   wait_for SECONDS CMD...     retries CMD every 0.2 s until it succeeds or SECONDS pass.
#   engine_start / engine_stop / engine_answers ...   from test/engines.bash (cognito-local is started per file:
#                               setup_file() { engine_start cognito-local; export DDB_TEST_COGNITO_URL=$ENGINE_URL; }
#                               teardown_file() { engine_stop_all; }).

bats_require_minimum_version 1.5.0

: "${BATS_LIB_PATH:=/usr/lib/bats}"
if ! bats_load_library bats-support || ! bats_load_library bats-assert; then
	echo "test_helper: bats-support/bats-assert not found in BATS_LIB_PATH=$BATS_LIB_PATH; run 'make deps'" >&2
	return 1
fi

source "${BASH_SOURCE[0]%/*}/engines.bash"

# ---- the environment ----------------------------------------------------------------------------------------
# Unset every AWS_*/DDB_* variable except the suite's own; exported for infra.bats to test.
ddb_test_scrub_env() {
	local v
	for v in $(compgen -e); do
		case $v in
		DDB | DDB_BIN | DDB_VALGRIND | DDB_TEST_*) ;;
		AWS_* | DDB_* | XDG_* | http_proxy | https_proxy | HTTP_PROXY | HTTPS_PROXY | all_proxy | ALL_PROXY | \
			no_proxy | NO_PROXY | CURL_CA_BUNDLE | SSL_CERT_FILE | SSL_CERT_DIR | LANGUAGE | LANG | LC_* | \
			EDITOR | VISUAL | PAGER | COLUMNS | LINES | TERM_PROGRAM)
			unset "$v" ;;
		esac
	done
	return 0
}

ddb_test_scrub_env

: "${DDB_TEST_ROOT:=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)}"
: "${DDB:=$DDB_TEST_ROOT/ddb}"
: "${DDB_BIN:=$DDB}"
export DDB_TEST_ROOT DDB DDB_BIN

if [[ -n ${BATS_TEST_TMPDIR-} ]]; then
	HOME=$BATS_TEST_TMPDIR/home
else # setup_file / teardown_file
	HOME=${BATS_FILE_TMPDIR:-${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}}/home
fi
mkdir -p "$HOME"
export HOME
export LC_ALL=C TZ=UTC CI=true NO_COLOR=1 PAGER=cat
# Never ask an instance metadata service for credentials: slow off EC2, and real credentials on an EC2 runner.
# (A test of the IMDS provider unsets it and points AWS_EC2_METADATA_SERVICE_ENDPOINT at a stand-in.)
export AWS_EC2_METADATA_DISABLED=true
if [[ -n ${DDB_TEST_LOCAL_URL-} ]]; then
	export DDB_LOCAL_ENDPOINT=$DDB_TEST_LOCAL_URL DDB_TEST_ENGINE=dynamodb-local
fi

# ---- helpers --------------------------------------------------------------------------------------------------
unique_ns() {
	local hex
	hex=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	printf 't_%s_\n' "$hex"
}

ddb_raw() { # URL TARGET [JSON]
	local url=$1 target=$2 body=${3-'{}'} ctype=application/x-amz-json-1.0 out status
	if [[ $target != *.* ]]; then
		target=DynamoDB_20120810.$target
	elif [[ $target != DynamoDB_* ]]; then
		ctype=application/x-amz-json-1.1
	fi
	out=$(_engine_max_time=60 _engine_post "$url" "$target" "$ctype" "$body") || {
		echo "ddb_raw: cannot reach $url" >&2
		return 1
	}
	status=${out##*$'\n'}
	printf '%s\n' "${out%$'\n'*}"
	if ((status >= 300)); then
		echo "ddb_raw: $target -> HTTP $status" >&2
		return 1
	fi
}

ddb_local() { # TARGET [JSON]
	ddb_raw "${DDB_LOCAL_ENDPOINT:?DDB_LOCAL_ENDPOINT is not set (no engine from setup_suite?)}" "$@"
}

json_eq() { # A B
	local a b
	a=$(jq -S . <<<"$1") || { echo "json_eq: first argument is not JSON: $1" >&2; return 1; }
	b=$(jq -S . <<<"$2") || { echo "json_eq: second argument is not JSON: $2" >&2; return 1; }
	[[ $a == "$b" ]] && return 0
	echo "json_eq: JSON differs (-got +expected):"
	diff -u <(printf '%s\n' "$a") <(printf '%s\n' "$b") | tail -n +3
	return 1
}

use_local() {
	export DDB_LOCAL_ENDPOINT=${DDB_TEST_LOCAL_URL:?DDB_TEST_LOCAL_URL is not set (no setup_suite?)} \
		DDB_TEST_ENGINE=dynamodb-local
}

use_dynalite() {
	export DDB_LOCAL_ENDPOINT=${DDB_TEST_DYNALITE_URL:?DDB_TEST_DYNALITE_URL is not set (no setup_suite?)} \
		DDB_TEST_ENGINE=dynalite
}

# S3 requests go to the suite's s3rver (AWS_ENDPOINT_URL_S3); ddb signs them with its local-mode credentials.
use_s3() {
	export AWS_ENDPOINT_URL_S3=${DDB_TEST_S3_URL:?DDB_TEST_S3_URL is not set (no setup_suite?)}
}

on_both_engines() { # FN [ARGS...]
	local engine rc failed=
	for engine in local dynalite; do
		# Not in a condition: `if ! (...)` would switch errexit off inside the subshell and hide failures.
		set +e
		(
			set -e
			"use_$engine"
			"$@"
		)
		rc=$?
		set -e
		if ((rc != 0)); then
			echo "on_both_engines: $1 failed against ${engine/local/DynamoDB Local} (exit $rc)" >&2
			failed+=" $engine"
		fi
	done
	[[ -z $failed ]]
}

ddb_link() { # NAME
	local name=$1 dir=${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/bin
	mkdir -p "$dir/.real"
	if [[ ${DDB_VALGRIND-} == 1 ]]; then
		ln -sf "$DDB_BIN" "$dir/.real/$name"
		printf '#!/bin/sh\nexec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite "%s" "$@"\n' \
			"$dir/.real/$name" >"$dir/$name"
		chmod +x "$dir/$name"
	else
		ln -sf "$DDB_BIN" "$dir/$name"
	fi
	printf '%s\n' "$dir/$name"
}

wait_for() { # SECONDS CMD...
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}
