#!/usr/bin/env bats
# s3.bats — ddb's S3 client (lib/aws/s3.c) through the hidden `ddb __s3` plumbing, against the suite's s3rver behind
# test/standins/s3_front.py (every request's SigV4 signature checked with botocore's S3 signer; its log shows the
# requests that passed: method, path as sent, query, x-amz-content-sha256).

load test_helper

setup() {
	use_s3
	curl -sSf -X POST "$DDB_TEST_S3_URL/_front/reset" >/dev/null
	P=t$$.$BATS_TEST_NUMBER.$RANDOM   # a key prefix of this test's own
}

front_log() { # [JQ]
	curl -sSf "$DDB_TEST_S3_URL/_front/requests" | jq -r "${1:-.[]}"
}

@test "s3: put and get round-trip bytes exactly: binary, empty, keys with spaces, unicode, + = ~ and /" {
	head -c 70000 /dev/urandom >"$BATS_TEST_TMPDIR/bin"
	: >"$BATS_TEST_TMPDIR/empty"
	local keys=("$P/a b/c.bin" "$P/ü€😀.bin" "$P/x+y=z~w.bin" "$P/quote'(paren)!*.bin" "$P/pct%41.bin")
	local k src
	for k in "${keys[@]}"; do
		for src in bin empty; do
			run "$DDB" __s3 put "$BATS_TEST_TMPDIR/$src" "s3://ddb-test/$k.$src"
			assert_success
			run "$DDB" __s3 get "s3://ddb-test/$k.$src" "$BATS_TEST_TMPDIR/back"
			assert_success
			cmp "$BATS_TEST_TMPDIR/$src" "$BATS_TEST_TMPDIR/back"
		done
	done
	# on the wire: the key encoded once (RFC 3986), its '/' kept, path-style under the configured endpoint
	run front_log 'map(select(.method == "PUT")) | .[].path'
	assert_line "/ddb-test/$P/a%20b/c.bin.bin"
	assert_line "/ddb-test/$P/%C3%BC%E2%82%AC%F0%9F%98%80.bin.bin"
	assert_line "/ddb-test/$P/x%2By%3Dz~w.bin.bin"
	assert_line "/ddb-test/$P/quote%27%28paren%29%21%2A.bin.bin"
	assert_line "/ddb-test/$P/pct%2541.bin.bin"
	# the listing gives the keys back as they were written
	run "$DDB" __s3 ls "s3://ddb-test/$P/"
	assert_success
	assert_line "70000	$P/x+y=z~w.bin.bin"
	assert_line "0	$P/a b/c.bin.empty"
	assert_line "70000	$P/ü€😀.bin.bin"
	assert_equal "${#lines[@]}" 10
}

@test "s3: a file streams with UNSIGNED-PAYLOAD, stdin from a pipe is hashed; get writes to stdout" {
	printf 'hello s3\n' >"$BATS_TEST_TMPDIR/f"
	run "$DDB" __s3 put "$BATS_TEST_TMPDIR/f" "s3://ddb-test/$P/file"
	assert_success
	run bash -c "printf 'from a pipe' | \"\$DDB\" __s3 put - s3://ddb-test/$P/pipe"
	assert_success
	run front_log 'map(select(.method == "PUT")) | .[] | [.path, .sha256] | @tsv'
	assert_line "/ddb-test/$P/file	UNSIGNED-PAYLOAD"
	assert_line "/ddb-test/$P/pipe	$(printf 'from a pipe' | sha256sum | cut -d' ' -f1)"
	run "$DDB" __s3 get "s3://ddb-test/$P/pipe"
	assert_success
	assert_output "from a pipe"
}

@test "s3: an object larger than the part size goes up as a multipart upload, from a file and from a pipe" {
	head -c 350000 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	DDB_S3_PART_SIZE=100000 run "$DDB" __s3 put "$BATS_TEST_TMPDIR/big" "s3://ddb-test/$P/big"
	assert_success
	run front_log "map(select(.path == \"/ddb-test/$P/big\")) | .[] | [.method, (.query | sub(\"uploadId=[^&]*\"; \"ID\"))] | @tsv"
	assert_output "POST	uploads=
PUT	partNumber=1&ID
PUT	partNumber=2&ID
PUT	partNumber=3&ID
PUT	partNumber=4&ID
POST	ID"
	run "$DDB" __s3 get "s3://ddb-test/$P/big" "$BATS_TEST_TMPDIR/back"
	assert_success
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/back"

	# a pipe: parts read into memory one at a time and hashed
	run bash -c "cat \"$BATS_TEST_TMPDIR/big\" | DDB_S3_PART_SIZE=100000 \"\$DDB\" __s3 put - s3://ddb-test/$P/piped"
	assert_success
	run front_log "map(select(.path == \"/ddb-test/$P/piped\" and .method == \"PUT\")) | .[].sha256"
	assert_equal "${#lines[@]}" 4
	refute_output --partial UNSIGNED-PAYLOAD
	run "$DDB" __s3 get "s3://ddb-test/$P/piped" "$BATS_TEST_TMPDIR/back2"
	assert_success
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/back2"
}

@test "s3: ListObjectsV2 follows continuation tokens over several pages, every key once, in order" {
	local i
	for i in 1 2 3 4 5 6 7; do
		printf '%s' "$i" | "$DDB" __s3 put - "s3://ddb-test/$P/k$i"
	done
	printf 'x' | "$DDB" __s3 put - "s3://ddb-test/${P}other/k"   # shares the prefix's text but not its '/'
	run "$DDB" __s3 ls --max-keys 2 "s3://ddb-test/$P/"
	assert_success
	assert_output "1	$P/k1
1	$P/k2
1	$P/k3
1	$P/k4
1	$P/k5
1	$P/k6
1	$P/k7"
	run front_log 'map(select(.query | test("list-type=2"))) | .[].query'
	assert_equal "${#lines[@]}" 4
	assert_equal "$(grep -c continuation-token <<<"$output")" 3
}

@test "s3: rm deletes; a missing key or bucket is 66 and get leaves no file behind" {
	printf 'x' | "$DDB" __s3 put - "s3://ddb-test/$P/gone"
	run "$DDB" __s3 head "s3://ddb-test/$P/gone"
	assert_success
	assert_output "1	\"$(printf x | md5sum | cut -d' ' -f1)\""
	run "$DDB" __s3 rm "s3://ddb-test/$P/gone"
	assert_success
	run "$DDB" __s3 get "s3://ddb-test/$P/gone" "$BATS_TEST_TMPDIR/out"
	assert_failure 66
	assert_output --partial "s3://ddb-test/$P/gone: The specified key does not exist"
	assert_output --partial NoSuchKey
	[[ ! -e $BATS_TEST_TMPDIR/out ]]
	run "$DDB" __s3 head "s3://ddb-test/$P/gone"
	assert_failure 66
	assert_output --partial "no such object"
	run "$DDB" __s3 ls s3://no-such-bucket-ddb/
	assert_failure 66
	assert_output --partial NoSuchBucket
}

@test "s3: a wrong secret is refused by the signature check: 77, and the secret is never shown" {
	printf 'x' >"$BATS_TEST_TMPDIR/f"
	AWS_ACCESS_KEY_ID=ddblocal AWS_SECRET_ACCESS_KEY=not-the-secret-s3cr3t run "$DDB" __s3 put "$BATS_TEST_TMPDIR/f" \
		"s3://ddb-test/$P/f"
	assert_failure 77
	assert_output --partial SignatureDoesNotMatch
	refute_output --partial s3cr3t
	run front_log ".[]"
	assert_output ""
	# the other known key signs fine
	AWS_ACCESS_KEY_ID=AKIDDDBS3 AWS_SECRET_ACCESS_KEY=s3-standin-secret run "$DDB" __s3 put "$BATS_TEST_TMPDIR/f" \
		"s3://ddb-test/$P/f"
	assert_success
	AWS_ACCESS_KEY_ID=AKIDUNKNOWN AWS_SECRET_ACCESS_KEY=x run "$DDB" __s3 ls "s3://ddb-test/$P/"
	assert_failure 77
	assert_output --partial InvalidAccessKeyId
}

@test "s3: AWS_ENDPOINT_URL_S3 and the profile's [services] s3 endpoint_url choose the endpoint; --endpoint-url does not" {
	printf 'x' | "$DDB" __s3 put - "s3://ddb-test/$P/e"
	# --endpoint-url names DynamoDB's endpoint: S3 keeps AWS_ENDPOINT_URL_S3
	run "$DDB" --endpoint-url http://127.0.0.1:9 __s3 ls "s3://ddb-test/$P/"
	assert_success
	assert_output "1	$P/e"
	unset AWS_ENDPOINT_URL_S3
	run "$DDB" __s3 ls "s3://ddb-test/$P/"
	assert_failure 78
	assert_output --partial "s3 has no local engine"
	assert_output --partial AWS_ENDPOINT_URL_S3
	mkdir -p "$HOME/.aws"
	printf '[default]\nservices = here\n[services here]\ns3 =\n  endpoint_url = %s\n' "$DDB_TEST_S3_URL" \
		>"$HOME/.aws/config"
	run "$DDB" __s3 ls "s3://ddb-test/$P/"
	assert_success
	assert_output "1	$P/e"
	# a refused connection: 69
	AWS_ENDPOINT_URL_S3=http://127.0.0.1:9 run "$DDB" __s3 ls "s3://ddb-test/$P/"
	assert_failure 69
}

@test "s3: bad s3:// URLs and arguments are usage errors (64)" {
	run "$DDB" __s3 ls "s3://Bad_Bucket/x"
	assert_failure 64
	assert_output --partial "not a valid bucket name"
	run "$DDB" __s3 ls "http://ddb-test/x"
	assert_failure 64
	assert_output --partial "not an s3:// URL"
	run "$DDB" __s3 get "s3://ddb-test"
	assert_failure 64
	assert_output --partial "names no key"
	run "$DDB" __s3 frob "s3://ddb-test/x"
	assert_failure 64
	DDB_S3_PART_SIZE=12 run "$DDB" __s3 ls "s3://ddb-test/$P/"
	assert_failure 78
	assert_output --partial DDB_S3_PART_SIZE
}

front_set() { # JSON
	curl -sSf -X POST "$DDB_TEST_S3_URL/_front/set" --data-binary "$1" >/dev/null
}

@test "s3: a multipart upload whose part keeps failing is aborted, and nothing is left under the key" {
	head -c 350000 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	front_set '{"fail_part": 2}'
	AWS_MAX_ATTEMPTS=2 DDB_S3_PART_SIZE=100000 run "$DDB" __s3 put "$BATS_TEST_TMPDIR/big" "s3://ddb-test/$P/big"
	assert_failure 75
	assert_output --partial "gave up after 2 attempts"
	assert_output --partial InternalError
	run front_log "map(select(.path == \"/ddb-test/$P/big\")) | .[] | [.method, (.query | sub(\"uploadId=[^&]*\"; \"ID\"))] | @tsv"
	assert_output "POST	uploads=
PUT	partNumber=1&ID
PUT	partNumber=2&ID
PUT	partNumber=2&ID
DELETE	ID"
	run "$DDB" __s3 get "s3://ddb-test/$P/big" "$BATS_TEST_TMPDIR/back"
	assert_failure 66
}

@test "s3: a download cut short resumes with a Range request: every byte once, in order" {
	head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/obj"
	run "$DDB" __s3 put "$BATS_TEST_TMPDIR/obj" "s3://ddb-test/$P/obj"
	assert_success
	front_set '{"cut_get": 123457}'
	run "$DDB" __s3 get "s3://ddb-test/$P/obj" "$BATS_TEST_TMPDIR/back"
	assert_success
	cmp "$BATS_TEST_TMPDIR/obj" "$BATS_TEST_TMPDIR/back"
	run front_log "map(select(.method == \"GET\")) | .[].range"
	assert_output "null
bytes=123457-"
	# a server that ignores Range sends the whole object again: what was delivered is skipped, not repeated
	front_set '{"cut_get": 99999, "ignore_range": true}'
	run "$DDB" __s3 get "s3://ddb-test/$P/obj" "$BATS_TEST_TMPDIR/back2"
	assert_success
	cmp "$BATS_TEST_TMPDIR/obj" "$BATS_TEST_TMPDIR/back2"
}

@test "s3: a listing that hands back the token it was asked with stops (65) instead of paging forever" {
	local i
	for i in 1 2 3 4 5; do printf '%s' "$i" | "$DDB" __s3 put - "s3://ddb-test/$P/k$i"; done
	front_set '{"repeat_token": true}'
	run timeout 20 "$DDB" __s3 ls --max-keys 2 "s3://ddb-test/$P/"
	assert_failure 65
	assert_output --partial "the same NextContinuationToken came back twice"
	assert_line "1	$P/k1"   # the pages before are shown (and each key once)
	assert_line "1	$P/k4"
	assert_equal "$(grep -c "	$P/k" <<<"$output")" 4
	run front_log 'map(select(.query | test("list-type=2"))) | length'
	assert_output 2
}
