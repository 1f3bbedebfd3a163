#!/bin/sh
# append.sh OUT — a stream handler for tests: appends the batch it gets on stdin ({"Records":[...]}) to OUT as one
# line, and the environment it saw to OUT.env.
out=$1
cat >>"$out"
printf '\n' >>"$out"
env | grep -E '^(DDB_STREAM_ARN|DDB_TABLE|DDB_NAMESPACE|AWS_REGION|AWS_ENDPOINT_URL_DYNAMODB|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)=' | sort >"$out.env"
exit 0
