#!/usr/bin/env bats
# secrets.bats — no secret is ever printed.  Every command (every name `ddb __commands` lists, with its subcommands)
# runs with --debug in prod against loopback engines, with a recognisable secret key and session token from the
# environment, a credentials file, credential_process and an STS-issued role; stdout and stderr (and the REPL's
# history) are searched for the secrets, the token and any 64-hex signature.  Error messages that echo the
# request (AWS's "The Canonical String for this request should have been ...") are redacted too.

load test_helper
load standins/aws_standins

AKID=AKIDLEAKCHECK7
SECRET=secret-for-AKIDLEAKCHECK7          # the STS stand-in accepts static keys whose secret is secret-for-<AKID>
TOKEN=LEAKTOKEN/Zm9vYmFy+c2VjcmV0dG9rZW4=Q7
FILE_SECRET=secret-for-AKIDLEAKFILE8
FILE_TOKEN=LEAKFILETOKEN+aGVsbG8=
PROC_SECRET=procsecretLEAK9x/abc+def
PROC_TOKEN=LEAKPROCTOKEN/d29ybGQ=

setup_file() {
	standins_start
}

teardown_file() {
	standins_stop
}

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	export AWS_REGION=eu-west-1
	export AWS_ENDPOINT_URL_STS=$DDB_TEST_STANDINS_URL
	mkdir -p "$HOME/.aws"
}

# leak_check FILE: fails (printing the lines) when FILE holds a secret, a token or a 64-hex string.
leak_check() {
	local f=$1 s bad=0
	for s in "$SECRET" "$TOKEN" "$FILE_SECRET" "$FILE_TOKEN" "$PROC_SECRET" "$PROC_TOKEN" LEAKTOKEN LEAKFILETOKEN \
		LEAKPROCTOKEN procsecretLEAK; do
		if grep -n -F -- "$s" "$f"; then
			echo "leak_check: '$s' appears in the output above" >&2
			bad=1
		fi
	done
	if grep -n -E -i '(^|[^0-9a-f])[0-9a-f]{64}([^0-9a-f]|$)' "$f"; then
		echo "leak_check: a 64-hex string (a signature or signing key?) appears in the output above" >&2
		bad=1
	fi
	# access key ids are masked to their last four characters (as whoami shows them), in headers and bodies
	for s in "$AKID" AKIDLEAKFILE8 AKIDPROC; do
		if grep -n -F -- "$s" "$f"; then
			echo "leak_check: the access key id '$s' appears unmasked in the output above" >&2
			bad=1
		fi
	done
	if grep -n -E -i '(AccessKeyId|Credential|aws_access_key_id)("?[:=>][ "]*)[A-Za-z0-9]' "$f"; then
		echo "leak_check: an access key id field not masked above" >&2
		bad=1
	fi
	# a secret-looking field must show <redacted>, whatever its value
	if grep -n -E -i '(SecretAccessKey|SessionToken|X-Amz-Security-Token|aws_secret_access_key)("?[:=>] ?"?)[^<" ]' "$f" |
		grep -v -i -E '(SecretAccessKey|SessionToken|Token)[":=> ]*<redacted>'; then
		echo "leak_check: a secret field without <redacted> above" >&2
		bad=1
	fi
	return $bad
}

# run_all OUTFILE GLOBAL_ARGS...: every command and subcommand, with arguments that make it talk to the engine.
run_all() {
	local out=$1 cmd rc
	shift
	local -a g=("$@")
	local t=${ns}lkt
	printf '%s\n' '{"TableName":"lkt","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}' \
		>"$d/lk.json"
	printf '%s\n' '{"pk":"a","v":1}' '{"pk":"b","v":2}' >"$d/lk.jsonl"
	printf '%s\n' '{"Put":{"TableName":"lkt","Item":{"pk":"t","v":1}}}' '{"Delete":{"TableName":"lkt","Key":{"pk":"c"}}}' \
		>"$d/tx.jsonl"
	: >"$out"
	# every command of the table (`ddb __commands`, what `ddb --help` lists) must appear below (a new command without
	# a line here fails the test)
	local listed
	listed=$("$DDB" __commands)
	[[ -n $listed ]]
	local -a lines=(
		"schema-load $d/lk.json"
		"schema-load --plan $d/lk.json"
		"seed --table lkt $d/lk.jsonl"
		"list-tables"
		"describe lkt"
		"describe lkt --raw"
		"scan lkt"
		"scan lkt --ddb-json --segments 2"
		"query lkt --pk a"
		"get lkt --pk a"
		'put lkt {"pk":"c","v":3} --return old'
		"update lkt --pk a --set v=5 --condition v=1"
		"delete lkt --pk b"
		"sql SELECT*FROM\"lkt\"WHERE\"pk\"='a'"
		"transact $d/tx.jsonl"
		"enable-stream lkt --yes"
		"enable-stream lkt --yes --replace --view-type NEW_AND_OLD_IMAGES"
		"stream list lkt"
		"stream tail lkt --limit 2"
		"stream tail lkt --limit 1 --exec cat"
		"trigger create lkt --function leakfn --batch-size 5 --max-attempts 1"   # Lambda's calls reach the engine
		"trigger list lkt --max-attempts 1"                                     # too: traced, refused (500)
		"trigger delete lkt --function leakfn --yes --max-attempts 1"
		"wait lkt --exists --wait-timeout 10"
		"whoami --max-attempts 1"   # its --endpoint-url (the engine's) is STS's: one traced, refused attempt
		"whoami --no-sts"
		"cognito list-users --user-pool-id eu-west-1_leak"
		"vpc-endpoint list"
		"vpc-endpoint create --vpc-id vpc-1 --dry-run --yes"
		"vpc-endpoint delete --vpc-id vpc-1 --dry-run --yes"
		"local status --dir $d/local"
		"help scan"
		"version"
		"install-links $d/bin --dry-run"
		"repl --no-history"
		"export lkt --to $d/leakexp"
		"import $d/leakexp --table lkt2"
		"copy lkt lkt3"
		"truncate lkt --yes"
		"drop lkt --yes"
		"drop lkt --yes --if-exists"
	)
	local c
	for c in $listed; do
		local found=0 l
		for l in "${lines[@]}"; do [[ $l == "$c" || $l == "$c "* ]] && found=1; done
		((found)) || { echo "secrets.bats: no case for command '$c'" >&2; return 1; }
	done
	for l in "${lines[@]}"; do
		local -a w
		read -r -a w <<<"$l"
		{
			echo "=== ddb $l"
			rc=0
			if [[ ${w[0]} == repl ]]; then
				printf 'list-tables\nscan lkt\nwhoami\n' | "$DDB" "${w[@]}" "${g[@]}" 2>&1 || rc=$?
			else
				"$DDB" "${w[@]}" "${g[@]}" </dev/null 2>&1 || rc=$?
			fi
			echo "=== exit $rc"
		} >>"$out"
		# no crash, no bug exit
		((rc != 70 && (rc < 128 || rc == 130))) || { cat "$out"; echo "ddb $l: exit $rc" >&2; return 1; }
	done
}

@test "secrets: every command with --debug --prod: no secret key, session token or signature in any output" {
	export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN
	run_all "$d/all.out" --debug --prod --namespace "$ns" --endpoint-url "$DDB_TEST_LOCAL_URL"
	leak_check "$d/all.out"
	# not vacuous: requests were signed and traced, with the token sent
	grep -q 'Signature=<redacted>' "$d/all.out"
	grep -q 'Credential=\*\*\*\*\*\*\*\*\*\*ECK7/' "$d/all.out"   # masked like whoami's: ****ECK7
	grep -q -i 'X-Amz-Security-Token: <redacted>' "$d/all.out"
	grep -q 'DynamoDB_20120810.Scan' "$d/all.out"
	grep -q 'GetCallerIdentity' "$d/all.out"
	grep -q '"pk"' "$d/all.out"
	[[ ! -e $HOME/.ddb_history ]] || leak_check "$HOME/.ddb_history"
}

@test "secrets: credentials from a file, credential_process and an assumed role never show, with --debug" {
	cat >"$HOME/.aws/credentials" <<-EOF
		[file]
		aws_access_key_id = AKIDLEAKFILE8
		aws_secret_access_key = $FILE_SECRET
		aws_session_token = $FILE_TOKEN
	EOF
	chmod 600 "$HOME/.aws/credentials"
	cat >"$d/proc.sh" <<-EOF
		#!/bin/sh
		printf '{"Version":1,"AccessKeyId":"AKIDPROC","SecretAccessKey":"%s","SessionToken":"%s"}\n' '$PROC_SECRET' '$PROC_TOKEN'
	EOF
	chmod +x "$d/proc.sh"
	cat >"$HOME/.aws/config" <<-EOF
		[profile file]
		region = eu-west-1
		[profile proc]
		region = eu-west-1
		credential_process = $d/proc.sh
		[profile role]
		region = eu-west-1
		role_arn = arn:aws:iam::123456789012:role/leak-check
		source_profile = file
	EOF
	local p
	: >"$d/out"
	for p in file proc role; do
		for args in "list-tables" "whoami" "scan ${ns}nope"; do
			local url=$DDB_TEST_LOCAL_URL
			[[ $args == whoami ]] && url=$DDB_TEST_STANDINS_URL   # whoami's --endpoint-url is STS's
			# shellcheck disable=SC2086
			"$DDB" $args --debug --prod --profile "$p" --endpoint-url "$url" >>"$d/out" 2>&1 || true
		done
	done
	leak_check "$d/out"
	# the role really was assumed (its STS answer, with SecretAccessKey and SessionToken, was traced redacted)
	grep -q 'AssumeRole' "$d/out"
	grep -q '<SecretAccessKey><redacted>' "$d/out"
}

@test "secrets: an error message that echoes the signed request (canonical string with the token) is redacted" {
	export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN
	# a stand-in answering as AWS does to a bad signature: the canonical request, security token included
	cat >"$d/echo.py" <<-'EOF'
		import json, sys
		from http.server import BaseHTTPRequestHandler, HTTPServer
		class H(BaseHTTPRequestHandler):
		    def log_message(self, *a): pass
		    def do_POST(self):
		        self.rfile.read(int(self.headers.get("Content-Length") or 0))
		        canon = "POST\n/\n\ncontent-type:%s\nhost:%s\nx-amz-date:%s\nx-amz-security-token:%s\n" % (
		            self.headers["Content-Type"], self.headers["Host"], self.headers["X-Amz-Date"],
		            self.headers.get("X-Amz-Security-Token", ""))
		        msg = ("The request signature we calculated does not match the signature you provided. "
		               "Check your AWS Secret Access Key and signing method.\n\nThe Canonical String for this "
		               "request should have been\n'" + canon + "'\n\nThe String-to-Sign should have been\n'...'\n")
		        body = json.dumps({"__type": "com.amazon.coral.service#InvalidSignatureException",
		                           "message": msg}).encode()
		        self.send_response(400)
		        self.send_header("Content-Type", "application/x-amz-json-1.0")
		        self.send_header("Content-Length", str(len(body)))
		        self.end_headers()
		        self.wfile.write(body)
		s = HTTPServer(("127.0.0.1", 0), H)
		open(sys.argv[1] + ".tmp", "w").write("http://127.0.0.1:%d" % s.server_address[1])
		import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
		s.serve_forever()
	EOF
	python3 "$d/echo.py" "$d/echo.url" </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	wait_for 10 test -s "$d/echo.url"
	run -77 "$DDB" list-tables --prod --endpoint-url "$(<"$d/echo.url")"
	echo "$output" >"$d/out"
	assert_output --partial "InvalidSignatureException"
	run -77 "$DDB" scan --prod --debug --endpoint-url "$(<"$d/echo.url")" xyz
	echo "$output" >>"$d/out"
	kill "$pid"
	leak_check "$d/out"
}

@test "secrets: the REPL on a terminal keeps no secret in its history or its output" {
	export AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN
	rm -f "$HOME/.ddb_history"
	# a line that carries the secret itself (as a filter value) and one with an access key id
	# (whoami's --endpoint-url is STS's: the line names the STS stand-in, the session's URL is the engine's)
	printf '%s\n' 'list-tables --debug' "whoami --debug --endpoint-url $DDB_TEST_STANDINS_URL" \
		"scan ${ns}none --filter 's = :v' --values '{\":v\":\"$SECRET\"}'" "query ${ns}none --pk AKIAABCDEFGHIJKLMNOP" \
		"scan ${ns}none --filter 's = :v' --values '{\":v\":{\"S\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}}'" \
		"describe ${ns}none --endpoint-url http://admin:pw@127.0.0.1:1" "query ${ns}none --pk api_key=abc123" \
		.quit >"$d/in"
	# script(1) gives the REPL a terminal, so it keeps ~/.ddb_history.  The input ends with .quit: the end of
	# script's stdin reaches the REPL as a Ctrl-D typed on the terminal, which a loaded machine can deliver before
	# the line editor reads the terminal (then lost: the REPL waited for more lines, and the test hung)
	run timeout 120 script -qec "$DDB --prod --endpoint-url $DDB_TEST_LOCAL_URL" /dev/null <"$d/in"
	((status != 124)) || { echo "the REPL did not end"; return 1; }
	echo "$output" >"$d/out"
	grep -q 'Signature=<redacted>' "$d/out"
	# the history was kept (not vacuous), with the harmless lines only
	[[ -s $HOME/.ddb_history ]]
	grep -q 'whoami' "$HOME/.ddb_history"
	leak_check "$HOME/.ddb_history"
	run ! grep -E 'AKIAABCDEFGHIJKLMNOP|--values|wJalrXUtnFEMI|admin:pw|api_key' "$HOME/.ddb_history"
	# (the REPL echoes typed lines on the terminal: drop the echo of the line that holds the secret, check the rest)
	grep -v -F -e "--values" -e "admin:pw" "$d/out" >"$d/out.rest"
	leak_check "$d/out.rest"
}
