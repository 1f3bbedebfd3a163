# items_helper.bash — what the single-item tests share (get, put, update, delete, sql, transact): a table with pk
# (and sk) keys of the given types, waited for ACTIVE, and an item read back with a consistent GetItem.

table_active() {
	[[ $(ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -r '.Table.TableStatus') == ACTIVE ]]
}

create() { # NAME HASH-TYPE [RANGE-TYPE]: pk (and sk) keys
	local defs='[{"AttributeName":"pk","AttributeType":"'"$2"'"}]' ks='[{"AttributeName":"pk","KeyType":"HASH"}]'
	if [[ -n ${3-} ]]; then
		defs='[{"AttributeName":"pk","AttributeType":"'"$2"'"},{"AttributeName":"sk","AttributeType":"'"$3"'"}]'
		ks='[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]'
	fi
	ddb_local CreateTable '{"TableName":"'"$1"'","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":'"$defs"',"KeySchema":'"$ks"'}' >/dev/null
	wait_for 20 table_active "$1"
}

raw_get() { # TABLE KEY-JSON (typed) -> the typed item or null
	ddb_local GetItem '{"TableName":"'"$1"'","Key":'"$2"',"ConsistentRead":true}' | jq -c '.Item'
}
