# setup_suite.bash — bats (>= 1.5) runs setup_suite once before the first test file and teardown_suite after the
# last.  It starts the two DynamoDB engines every test may use and exports where they are:
#   DDB_TEST_LOCAL_URL      DynamoDB Local (in memory, -sharedDb: every access key and region sees the same tables)
#   DDB_TEST_DYNALITE_URL   dynalite (in memory)
#   DDB_TEST_S3_URL         s3rver behind its SigV4 check (test/standins/s3_front.py), buckets ddb-test and
#                           ddb-export (objects under the engines' state directory; tests use unique key prefixes)
#   DDB_TEST_ROOT           the repository root
# The engines are shared by the whole suite: tests name their tables with `unique_ns` (test_helper.bash).
# DDB_TEST_LOCAL_URL / DDB_TEST_DYNALITE_URL already set in the environment are used as they are (no engine is
# started), e.g. to run one file quickly against engines you keep running.

setup_suite() {
	DDB_TEST_ROOT=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)
	export DDB_TEST_ROOT
	source "$DDB_TEST_ROOT/test/engines.bash"
	# The engines' watchdog ends them if this bats process dies without running teardown_suite.
	ENGINE_OWNER_PID=$$
	# Scrubbed copies of the canary below must not reach any test (infra.bats checks).
	export AWS_DDB_TEST_SCRUB_CANARY=1

	if [[ -z ${DDB_TEST_LOCAL_URL-} ]]; then
		engine_start dynamodb-local || return 1
		export DDB_TEST_LOCAL_URL=$ENGINE_URL
	fi
	if [[ -z ${DDB_TEST_DYNALITE_URL-} ]]; then
		engine_start dynalite || return 1
		export DDB_TEST_DYNALITE_URL=$ENGINE_URL
	fi
	if [[ -z ${DDB_TEST_S3_URL-} ]]; then
		engine_start s3rver || return 1
		export DDB_TEST_S3_URL=$ENGINE_URL
	fi
}

teardown_suite() {
	engine_stop_all
}
