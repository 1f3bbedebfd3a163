# aws_standins.bash — start/stop test/standins/aws_standins.py from a bats file and point ddb at it.
#
#   standins_start        (setup_file) starts the stand-in on a free loopback port; exports DDB_TEST_STANDINS_URL
#                         and DDB_TEST_STANDINS_PID (DDB_TEST_* names survive the per-test scrub)
#   standins_stop         (teardown_file) stops it
#   standins_env          (setup) resets its log and config, and exports what a prod test needs: region, a fixed
#                         clock (DDB_TEST_NOW=$STANDIN_NOW), every endpoint variable pointing at the stand-in
#                         (STS, DynamoDB, SSO portal, IMDS), and AWS_EC2_METADATA_DISABLED=true unless the test
#                         turns IMDS on (never the real 169.254.169.254)
#   standins_config JSON  merges JSON into the stand-in's config (ttl, tables, page, imds_v2, sso_token, ...)
#   standins_log [JQ]     prints the request log, through a jq filter (default '.')
STANDIN_NOW=1700000000

standins_start() {
	local dir=${BATS_FILE_TMPDIR:?}/standins
	mkdir -p "$dir"
	rm -f "$dir/url"
	/usr/bin/python3 "$DDB_TEST_ROOT/test/standins/aws_standins.py" --port-file "$dir/url" --owner $$ \
		--now "$STANDIN_NOW" </dev/null >"$dir/log" 2>&1 3>&- &
	export DDB_TEST_STANDINS_PID=$!
	wait_for 10 test -s "$dir/url" || {
		echo "aws_standins did not start:" >&2
		cat "$dir/log" >&2
		return 1
	}
	DDB_TEST_STANDINS_URL=$(<"$dir/url")
	export DDB_TEST_STANDINS_URL
}

standins_stop() {
	[[ -n ${DDB_TEST_STANDINS_PID-} ]] && kill "$DDB_TEST_STANDINS_PID" 2>/dev/null
	return 0
}

standins_env() {
	local u=${DDB_TEST_STANDINS_URL:?standins_start was not run}
	curl -sS --noproxy '*' -X POST "$u/__reset" >/dev/null
	export AWS_REGION=eu-west-1 DDB_TEST_NOW=$STANDIN_NOW
	export AWS_ENDPOINT_URL_STS=$u AWS_ENDPOINT_URL_DYNAMODB=$u AWS_ENDPOINT_URL_SSO=$u
	export AWS_EC2_METADATA_SERVICE_ENDPOINT=$u AWS_EC2_METADATA_DISABLED=true
	mkdir -p "$HOME/.aws"
}

standins_config() {
	curl -sS --noproxy '*' -X POST "$DDB_TEST_STANDINS_URL/__config" --data-binary "$1" >/dev/null
}

standins_log() {
	curl -sS --noproxy '*' "$DDB_TEST_STANDINS_URL/__log" | jq -c "${1:-.}"
}
