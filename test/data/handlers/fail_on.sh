#!/bin/sh
# fail_on.sh OUT PK [STATUS] — a stream handler for tests: exits STATUS (default 3) without recording anything when
# the batch holds a record whose key pk is PK (typed {"S":PK}); otherwise appends the batch to OUT as one line.
out=$1 pk=$2 status=${3:-3}
batch=$(cat)
if printf '%s' "$batch" | jq -e --arg pk "$pk" 'any(.Records[]; .dynamodb.Keys.pk.S == $pk)' >/dev/null; then
	echo "fail_on: refusing the batch with pk $pk" >&2
	exit "$status"
fi
printf '%s\n' "$batch" >>"$out"
