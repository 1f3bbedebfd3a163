#!/usr/bin/env bats
# update.bats — ddb update: each clause (--set with paths and indexes, --remove, --add numbers and sets, --delete),
# --expression, --return, --condition/--if-exists (exit 4, item unchanged), bad clauses, both engines.

load test_helper
load items_helper

setup() {
	ns=$(unique_ns)
}

K='{"pk":{"S":"a"},"sk":{"N":"1"}}'

seed_item() {
	t=${ns}items
	create "$t" S N
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"status":{"S":"open"},"n":{"N":"1"},"tags":{"SS":["x","y"]},"nums":{"NS":["1","2"]},"m":{"M":{"l":{"L":[{"N":"1"},{"N":"2"}]},"k":{"S":"v"}}},"gone":{"S":"bye"}}}' >/dev/null
}

clauses() {
	seed_item
	# --set: reserved words, typing (number exact, bool, null, quoted string, plain text), a map, a typed set, paths
	run -0 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --set status=closed --set big=12345678901234567890123456789012345678 \
		--set ok=true --set nothing=null --set code='"007"' --set 'm.l[1]=20' --set m.k='{"x":[1,"y"]}' \
		--set bs='{"BS":["AAE="]}' --return updated-new
	# (the engines differ on how much of a nested map UPDATED_NEW returns: m is checked below)
	json_eq "$(jq -c 'del(.m)' <<<"$output")" '{"status":"closed","big":12345678901234567890123456789012345678,"ok":true,"nothing":null,"code":"007","bs":["AAE="]}'
	local item
	item=$(raw_get "$t" "$K")
	[[ $(jq -c .big <<<"$item") == '{"N":"12345678901234567890123456789012345678"}' ]]
	[[ $(jq -c .code <<<"$item") == '{"S":"007"}' ]]
	[[ $(jq -c .m.M.l <<<"$item") == '{"L":[{"N":"1"},{"N":"20"}]}' ]]
	[[ $(jq -c .m.M.k <<<"$item") == '{"M":{"x":{"L":[{"N":"1"},{"S":"y"}]}}}' ]]
	# --remove, --add (number, set), --delete (set); --return old prints the whole item before
	run -0 "$DDB" update "$t" --pk a --sk 1 --remove gone --remove 'm.l[0]' --add n=41 --add tags='["z"]' \
		--delete nums='{"NS":["1"]}' --return old
	[[ $(jq -r .gone <<<"$output") == bye ]]
	item=$(raw_get "$t" "$K")
	[[ $(jq -c 'has("gone")' <<<"$item") == false ]]
	[[ $(jq -c .m.M.l <<<"$item") == '{"L":[{"N":"20"}]}' ]]
	[[ $(jq -c .n <<<"$item") == '{"N":"42"}' ]]
	[[ $(jq -c '.tags.SS | sort' <<<"$item") == '["x","y","z"]' ]]
	[[ $(jq -c '.nums.NS' <<<"$item") == '["2"]' ]]
	run -0 "$DDB" update "$t" --pk a --sk 1 --delete tags='["x","z"]' --add nums='[3]' --return updated-new
	[[ $(jq -c '.tags, (.nums | sort)' <<<"$output") == $'["y"]\n[2,3]' ]]
	# --return new (the default): the whole item after; none: nothing
	run -0 "$DDB" update "$t" --pk a --sk 1 --add n=-2
	[[ $(jq -c '[.pk, .sk, .n]' <<<"$output") == '["a",1,40]' ]]
	run -0 "$DDB" update "$t" --pk a --sk 1 --add n=1 --return none
	[[ -z $output ]]
	# --expression with --values/--names
	run -0 "$DDB" update "$t" --pk a --sk 1 --expression 'SET #s = :s REMOVE ok' --names '{"#s":"status"}' \
		--values '{":s":"reopened"}' --return updated-new
	json_eq "$output" '{"status":"reopened"}'
	# --ddb-json prints typed
	run -0 "$DDB" update "$t" --pk a --sk 1 --set n=7 --return updated-new --ddb-json
	json_eq "$output" '{"n":{"N":"7"}}'
}

@test "update: every clause, --expression and --return on DynamoDB Local" {
	clauses
}

@test "update: every clause on dynalite" {
	use_dynalite
	clauses
}

failed_condition() {
	seed_item
	local before
	before=$(raw_get "$t" "$K")
	run -4 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --set n=100 --remove gone --condition status=closed
	[[ $stderr == "ddb: update: condition failed: 'status=closed'; the item was not changed" ]]
	[[ -z $output ]]
	run -4 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --set n=100 --condition 'n > :min' --values '{":min":5}' \
		--condition status=open
	[[ $stderr == "ddb: update: condition failed: 'n > :min' AND 'status=open'; the item was not changed" ]]
	json_eq "$(raw_get "$t" "$K")" "$before"
	# --if-exists: no item is created
	run -4 --separate-stderr "$DDB" update "$t" --pk b --sk 1 --set n=1 --if-exists
	[[ $stderr == "ddb: update: condition failed: --if-exists; the item was not changed" ]]
	[[ $(raw_get "$t" '{"pk":{"S":"b"},"sk":{"N":"1"}}') == null ]]
	# a condition that holds
	run -0 "$DDB" update "$t" --pk a --sk 1 --set n=100 --condition status=open --if-exists --return updated-new
	json_eq "$output" '{"n":100}'
}

@test "update: a failed condition exits 4 and leaves the item unchanged (DynamoDB Local)" {
	failed_condition
}

@test "update: a failed condition on dynalite" {
	use_dynalite
	failed_condition
}

@test "update: bad clauses are usage errors naming the option; nothing is sent" {
	seed_item
	local before
	before=$(raw_get "$t" "$K")
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1
	[[ $stderr == *"nothing to update"* ]]
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --set n
	[[ $stderr == *"--set 'n': expected PATH=VALUE"* ]]
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --set 'a..b=1'
	[[ $stderr == *"--set: empty attribute name in path 'a..b'"* ]]
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --remove 'l[x]'
	[[ $stderr == *"bad list index"* ]]
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --add n=abc
	[[ $stderr == *"--add 'abc': expected a number or a set"* ]]
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --delete tags=1
	[[ $stderr == *"--delete '1': expected a set"* ]]
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --add tags='["a",1]'
	run -65 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --add tags='["a","a"]'
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --set n=1 --expression 'SET n = :n'
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk 1 --set n=1 --return all
	run -64 --separate-stderr "$DDB" update "$t" --pk a --set n=1
	[[ $stderr == *"missing --sk"* ]]
	run -64 --separate-stderr "$DDB" update "$t" --pk a --sk x --set n=1
	run -66 --separate-stderr "$DDB" update "${ns}nosuch" --pk a --sk 1 --set n=1
	json_eq "$(raw_get "$t" "$K")" "$before"
}

@test "update: completion offers the table's key attributes for --set/--remove/--add/--delete and --condition" {
	seed_item
	run -0 "$DDB" __complete -- update "$t" --set ''
	assert_output $'pk=\nsk='
	run -0 "$DDB" __complete -- update "$t" --remove s
	assert_output sk
	run -0 "$DDB" __complete -- update "$t" --condition 'p'
	assert_output 'pk='
	run -0 "$DDB" __complete -- update "$t" --set 'pk=x'
	assert_output ''
	run -0 "$DDB" __complete -- get "$t" --projection ''
	assert_output $'pk\nsk'
	run -0 "$DDB" __complete -- delete "$t" --condition ''
	assert_output $'pk=\nsk='
	# no table on the line: nothing (and no error)
	run -0 "$DDB" __complete -- update --set ''
	assert_output ''
}
