#!/usr/bin/env bats
# completion — `ddb __complete` (commands, options, values, live table names, paths) and the bash, zsh and fish
# scripts in completions/ that ask it.  The bash function is driven through COMP_WORDS/COMP_CWORD, zsh by a real Tab
# in an interactive zsh (zpty), fish with `complete -C`.

load test_helper
load standins/moto_dynamodb

setup() {
	# the scripts call `ddb`: the one under test, first on PATH
	mkdir -p "$BATS_TEST_TMPDIR/path"
	ln -sf "$DDB_BIN" "$BATS_TEST_TMPDIR/path/ddb"
	export PATH=$BATS_TEST_TMPDIR/path:$PATH
}

create_table() { # WIRE-NAME
	ddb_local CreateTable '{"TableName":"'"$1"'","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
}

# bash_complete WORD...: run _ddb with COMP_WORDS=(WORD...) and the cursor on the last word; prints COMPREPLY,
# one per line, sorted.
bash_complete() {
	bash -c 'source "$DDB_TEST_ROOT/completions/ddb.bash"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_ddb || exit 1
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$@"
}

# zsh_complete LINE: type LINE and a Tab in a real interactive zsh -f (in a zpty) with compinit and completions/
# first on fpath; prints the matches zsh would offer, one per line, sorted.  compadd is wrapped to record what
# each completion function adds (as it would be inserted: ignored prefix, -p and -P prefixes, the word); the
# listing and the insertion are switched off so nothing waits on the terminal.  The keys go in once zle reads
# (zle-line-init) and hold no character the tty's line discipline acts on (^U would erase a line typed early).
zsh_complete() {
	local harness=$BATS_TEST_TMPDIR/zsh-complete.zsh
	cat >"$harness" <<'EOF'
zmodload zsh/zpty || exit 2
out=$1.out; : >$out
zpty z zsh -f -i || exit 2
zpty -w z "PS1='' RPS1='' HISTFILE='' ; unset zle_bracketed_paste
fpath=(${(q)DDB_TEST_ROOT}/completions \$fpath); autoload -U compinit; compinit -u -d ${(q)BATS_TEST_TMPDIR}/zcompdump
compadd() {
	if [[ \${(j: :)@[1,(i)(-|--)]} == *-[OAD]* ]]; then builtin compadd \"\$@\"; return; fi
	local -a zc_hits zc_p zc_pp zc_junk; local h
	zparseopts -E -a zc_junk p:=zc_p P:=zc_pp
	builtin compadd -A zc_hits \"\$@\"
	for h in \"\${zc_hits[@]}\"; do print -r -- \"\$IPREFIX\${zc_p[2]}\${zc_pp[2]}\$h\" >>${(q)out}; done
	builtin compadd \"\$@\"
}
zc_post() { compstate[list]=''; compstate[insert]=''; }
zc_complete() { comppostfuncs=(zc_post); _main_complete \"\$@\"; }
zle -C zc-complete complete-word zc_complete
bindkey '^I' zc-complete; bindkey '^Xk' kill-whole-line
zle-line-init() { print -n ZLE-\"\"READY; }; zle -N zle-line-init"
zpty -r -m z junk '*ZLE-READY*' || { print -u2 "zsh_complete: zsh did not start"; exit 2; }
zpty -w -n z "$2"$'\t\C-xk'
zpty -w z 'print -r -- DONE""2'
zpty -r -m z junk '*DONE2*' || { print -u2 "zsh_complete: no answer"; exit 2; }
zpty -d z
LC_ALL=C sort -u $out
EOF
	timeout 30 zsh -f "$harness" "$BATS_TEST_TMPDIR/zsh-complete" "$1"
}

# fish_complete LINE: what fish offers for LINE (`complete -C`) with completions/ddb.fish sourced, sorted.
fish_complete() {
	timeout 30 fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$DDB_TEST_ROOT/completions/ddb.fish" "$1" |
		LC_ALL=C sort
}

@test "__complete: command names, without hidden commands or link aliases" {
	run -0 "$DDB" __complete -- ""
	assert_line scan
	assert_line schema-load
	assert_line list-tables
	refute_line --partial __
	refute_line get-conversation
	# exactly the commands `ddb __commands` lists (the table is the one source)
	[[ $output == "$("$DDB" __commands)" ]]
	run -0 "$DDB" __complete -- sc
	assert_equal "$output" $'scan\nschema-load'
	run -0 "$DDB" __complete sc   # "--" is optional
	assert_equal "$output" $'scan\nschema-load'
}

@test "__complete: options of the command and the global ones, from the option tables" {
	run -0 "$DDB" __complete -- scan --
	assert_line --segments
	assert_line --filter
	assert_line --prod
	assert_line --namespace
	assert_line --help
	refute_line --all   # a list-tables option
	run -0 "$DDB" __complete -- scan --seg
	assert_equal "$output" $'--segment\n--segments'
	run -0 "$DDB" __complete -- scan --max-r
	assert_equal "$output" --max-rcu
	run -0 "$DDB" __complete -- --reg
	assert_equal "$output" --region
	# every long option of every command is offered for that command
	local c o
	for c in $("$DDB" __commands); do
		for o in $("$DDB" "$c" --help | sed -nE 's/^ +(-[a-zA-Z], )? *(--[a-z][a-z0-9-]*).*/\2/p' | sort -u); do
			"$DDB" __complete -- "$c" "${o:0:4}" | grep -qx -- "$o" || [[ $o == --help ]] || {
				echo "$c: $o not offered"
				return 1
			}
		done
	done
}

@test "__complete: option values: choices, --opt=VALUE, regions, paths" {
	run -0 "$DDB" __complete -- list-tables --output ""
	assert_equal "$output" $'json\njsonl\nmap\ntable\ntext'
	run -0 "$DDB" __complete -- scan -o js
	assert_equal "$output" $'json\njsonl'
	run -0 "$DDB" __complete -- scan --output=js
	assert_equal "$output" $'--output=json\n--output=jsonl'
	run -0 "$DDB" __complete -- --region eu-west-
	assert_line eu-west-1
	assert_line eu-west-3
	run -0 "$DDB" __complete -- seed ""
	assert_equal "$output" :file
	run -0 "$DDB" __complete -- install-links ""
	assert_equal "$output" :dir
	run -0 "$DDB" __complete -- local ""
	assert_equal "$output" $'start\nstatus\nstop'
	run -0 "$DDB" __complete -- help sch
	assert_equal "$output" schema-load
	# a value-taking option's value is not completed as an option or a table
	run -0 "$DDB" __complete -- scan --limit ""
	assert_output ""
}

@test "__complete: profiles from ~/.aws/config and ~/.aws/credentials" {
	mkdir -p "$HOME/.aws"
	printf '[default]\nregion = us-east-1\n[profile staging]\nregion = eu-west-1\n[sso-session corp]\nsso_region = x\n' >"$HOME/.aws/config"
	printf '[ci]\naws_access_key_id = AKIDEXAMPLE\n' >"$HOME/.aws/credentials"
	run -0 "$DDB" __complete -- --profile ""
	assert_equal "$output" $'ci\ndefault\nstaging'
}

@test "__complete: live table names, namespace-aware, from the endpoint the line names" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	create_table "${ns}orders"
	run -0 "$DDB" __complete -- scan "$ns"
	assert_equal "$output" "${ns}orders"$'\n'"${ns}users"
	run -0 "$DDB" __complete -- --namespace "$ns" describe ""
	assert_equal "$output" $'orders\nusers'
	run -0 "$DDB" __complete -- describe --namespace="$ns" u
	assert_equal "$output" users
	DDB_NAMESPACE=$ns run -0 "$DDB" __complete -- wait ""
	assert_equal "$output" $'orders\nusers'
	# --endpoint-url on the line wins: dynalite does not have these tables
	run -0 "$DDB" __complete -- --endpoint-url "$DDB_TEST_DYNALITE_URL" --namespace "$ns" scan ""
	assert_output ""
}

@test "__complete: subcommand words, then table names (stream tail TABLE, query TABLE or its patterns)" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	run -0 "$DDB" __complete -- --namespace "$ns" stream ""
	assert_equal "$output" $'list\ntail'
	run -0 "$DDB" __complete -- --namespace "$ns" stream tail ""
	assert_equal "$output" users
	run -0 "$DDB" __complete -- --namespace "$ns" stream list u
	assert_equal "$output" users
	run -0 "$DDB" __complete -- --namespace "$ns" stream tail --from ""
	assert_equal "$output" $'latest\ntrim-horizon'
	run -0 "$DDB" __complete -- --namespace "$ns" query ""
	assert_equal "$output" $'conversation\nconversations\nusers'
	run -0 "$DDB" __complete -- --namespace "$ns" query conv
	assert_equal "$output" $'conversation\nconversations'
	# the pattern's argument is a uuid, not a table
	run -0 "$DDB" __complete -- --namespace "$ns" query conversation ""
	assert_output ""
}

@test "__complete: table names are cached briefly in ~/.cache/ddb (DDB_COMPLETE_CACHE_SECONDS)" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}a"
	run -0 "$DDB" __complete -- --namespace "$ns" scan ""
	assert_equal "$output" a
	ls "$HOME/.cache/ddb"/tables-* >/dev/null
	create_table "${ns}b"
	run -0 "$DDB" __complete -- --namespace "$ns" scan ""
	assert_equal "$output" a   # from the cache
	DDB_COMPLETE_CACHE_SECONDS=0 run -0 "$DDB" __complete -- --namespace "$ns" scan ""
	assert_equal "$output" $'a\nb'
	XDG_CACHE_HOME=$BATS_TEST_TMPDIR/xdg run -0 "$DDB" __complete -- --namespace "$ns" scan ""
	assert_equal "$output" $'a\nb'
	ls "$BATS_TEST_TMPDIR/xdg/ddb"/tables-* >/dev/null
}

@test "__complete: an unreachable endpoint or a broken config gives no tables, no noise, exit 0 and no wait" {
	local port start
	port=$(engine_free_port)
	start=$SECONDS
	run -0 --separate-stderr "$DDB" __complete -- --endpoint-url "http://127.0.0.1:$port" scan ""
	assert_output ""
	[[ -z $stderr ]]
	((SECONDS - start < 10))
	DDB_ENV=nonsense run -0 --separate-stderr "$DDB" __complete -- scan ""
	assert_output ""
	[[ -z $stderr ]]
	# in prod without a region: nothing, and never a prompt
	run -0 --separate-stderr "$DDB" __complete -- --prod scan "" </dev/null
	assert_output ""
}

@test "bash: _ddb completes commands, options, values and live table names" {
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	run -0 bash_complete ddb sc
	assert_equal "$output" $'scan\nschema-load'
	run -0 bash_complete ddb scan --max-r
	assert_equal "$output" --max-rcu
	run -0 bash_complete ddb scan "$ns"
	assert_equal "$output" "${ns}users"
	run -0 bash_complete ddb --namespace "$ns" scan u
	assert_equal "$output" users
	run -0 bash_complete ddb list-tables -o j
	assert_equal "$output" $'json\njsonl'
	# bash splits --output=js at '=': the candidates replace only the value part
	run -0 bash_complete ddb list-tables --output = js
	assert_equal "$output" $'json\njsonl'
	run -0 bash_complete ddb list-tables --output= ""
	assert_line json
}

@test "bash: paths for file options; the ddb-<command> links complete like the command" {
	mkdir -p "$BATS_TEST_TMPDIR/w/seed"
	touch "$BATS_TEST_TMPDIR/w/seed/users.jsonl" "$BATS_TEST_TMPDIR/w/seed/orders.jsonl"
	cd "$BATS_TEST_TMPDIR/w"
	run -0 bash_complete ddb seed seed/u
	assert_equal "$output" seed/users.jsonl
	ln -sf "$DDB_BIN" "$BATS_TEST_TMPDIR/path/ddb-scan"
	run -0 bash_complete ddb-scan --max-r
	assert_equal "$output" --max-rcu
	run -0 bash -c 'source "$DDB_TEST_ROOT/completions/ddb.bash"; complete -p ddb ddb-scan ddb-list-tables'
	assert_line --partial "-F _ddb ddb"
	assert_line --partial "ddb-list-tables"
}

@test "zsh: a real Tab completes commands, options, option values and live table names" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run -0 zsh -n "$DDB_TEST_ROOT/completions/_ddb"
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	create_table "${ns}orders"
	run -0 zsh_complete 'ddb sc'
	assert_equal "$output" $'scan\nschema-load'
	run -0 zsh_complete 'ddb scan --max-r'
	assert_equal "$output" --max-rcu
	run -0 zsh_complete 'ddb --reg'
	assert_equal "$output" --region
	run -0 zsh_complete 'ddb list-tables -o j'
	assert_equal "$output" $'json\njsonl'
	run -0 zsh_complete 'ddb list-tables --output=js'
	assert_equal "$output" $'--output=json\n--output=jsonl'
	run -0 zsh_complete 'ddb enable-stream --view-type NEW'
	assert_equal "$output" $'NEW_AND_OLD_IMAGES\nNEW_IMAGE'
	run -0 zsh_complete 'ddb local st'
	assert_equal "$output" $'start\nstatus\nstop'
	run -0 zsh_complete "ddb scan $ns"
	assert_equal "$output" "${ns}orders"$'\n'"${ns}users"
	run -0 zsh_complete "ddb --namespace $ns describe u"
	assert_equal "$output" users
	run -0 zsh_complete "ddb describe --namespace=$ns "
	assert_equal "$output" $'orders\nusers'
	# a value nothing can complete offers nothing (not files, not tables)
	run -0 zsh_complete "ddb --namespace $ns scan --limit "
	assert_output ""
}

@test "zsh: paths where a file or directory is expected; the ddb-<command> links complete like the command" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/w/seed/sub"
	touch "$BATS_TEST_TMPDIR/w/seed/users.jsonl" "$BATS_TEST_TMPDIR/w/seed/orders.jsonl"
	cd "$BATS_TEST_TMPDIR/w"
	run -0 zsh_complete 'ddb seed seed/u'
	assert_equal "$output" seed/users.jsonl
	run -0 zsh_complete 'ddb seed --rejects=seed/o'
	assert_equal "$output" --rejects=seed/orders.jsonl
	run -0 zsh_complete 'ddb seed --rejects seed/'
	assert_equal "$output" $'seed/orders.jsonl\nseed/sub\nseed/users.jsonl'
	run -0 zsh_complete 'ddb install-links seed/'
	assert_equal "$output" seed/sub
	ln -sf "$DDB_BIN" "$BATS_TEST_TMPDIR/path/ddb-scan"
	run -0 zsh_complete 'ddb-scan --max-r'
	assert_equal "$output" --max-rcu
	run -0 zsh_complete "$BATS_TEST_TMPDIR/path/ddb-scan --max-r"
	assert_equal "$output" --max-rcu
}

@test "fish: completes commands, options, option values and live table names" {
	command -v fish >/dev/null || skip "fish is not installed"
	run -0 fish --no-config -n "$DDB_TEST_ROOT/completions/ddb.fish"
	local ns
	ns=$(unique_ns)
	create_table "${ns}users"
	create_table "${ns}orders"
	run -0 fish_complete 'ddb sc'
	assert_equal "$output" $'scan\nschema-load'
	run -0 fish_complete 'ddb scan --max-r'
	assert_equal "$output" --max-rcu
	run -0 fish_complete 'ddb list-tables -o j'
	assert_equal "$output" $'json\njsonl'
	run -0 fish_complete 'ddb list-tables --output=js'
	assert_equal "$output" $'--output=json\n--output=jsonl'
	run -0 fish_complete 'ddb enable-stream --view-type NEW'
	assert_equal "$output" $'NEW_AND_OLD_IMAGES\nNEW_IMAGE'
	run -0 fish_complete 'ddb local st'
	assert_equal "$output" $'start\nstatus\nstop'
	run -0 fish_complete "ddb scan $ns"
	assert_equal "$output" "${ns}orders"$'\n'"${ns}users"
	run -0 fish_complete "ddb --namespace $ns describe u"
	assert_equal "$output" users
	run -0 fish_complete "ddb describe --namespace=$ns "
	assert_equal "$output" $'orders\nusers'
	run -0 fish_complete "ddb --namespace $ns scan --limit "
	assert_output ""
}

@test "fish: paths where a file or directory is expected; the ddb-<command> links; loaded from fish_complete_path" {
	command -v fish >/dev/null || skip "fish is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/w/seed/sub"
	touch "$BATS_TEST_TMPDIR/w/seed/users.jsonl" "$BATS_TEST_TMPDIR/w/seed/orders.jsonl"
	cd "$BATS_TEST_TMPDIR/w"
	run -0 fish_complete 'ddb seed seed/u'
	assert_equal "$output" seed/users.jsonl
	run -0 fish_complete 'ddb seed --rejects=seed/o'
	assert_equal "$output" --rejects=seed/orders.jsonl
	run -0 fish_complete 'ddb install-links seed/'
	assert_equal "$output" seed/sub/
	ln -sf "$DDB_BIN" "$BATS_TEST_TMPDIR/path/ddb-scan"
	run -0 fish_complete 'ddb-scan --max-r'
	assert_equal "$output" --max-rcu
	# installed (not sourced): fish loads ddb.fish by command name; a ddb-scan.fish symlink loads it for the link
	mkdir -p "$BATS_TEST_TMPDIR/vendor"
	cp "$DDB_TEST_ROOT/completions/ddb.fish" "$BATS_TEST_TMPDIR/vendor/"
	ln -s ddb.fish "$BATS_TEST_TMPDIR/vendor/ddb-scan.fish"
	run -0 fish --no-config -c 'set -p fish_complete_path $argv[1]; complete -C "ddb sc"' "$BATS_TEST_TMPDIR/vendor"
	assert_equal "$output" $'scan\nschema-load'
	run -0 fish --no-config -c 'set -p fish_complete_path $argv[1]; complete -C "ddb-scan --max-r"' "$BATS_TEST_TMPDIR/vendor"
	assert_equal "$output" --max-rcu
}

@test "__complete: table names of a namespace on an engine that pages as moto does" {
	moto_fixture
	run -0 "$DDB" __complete -- --namespace ci_7_ describe t11
	assert_equal "$output" $'t1103\nt1113\nt1123'
	run -0 "$DDB" __complete -- describe ci_7_t100
	assert_equal "$output" ci_7_t1003
	moto_stop
}
