#!/usr/bin/env bats
# install — `make install` / `make uninstall` into a DESTDIR, the generated man page, `ddb install-links`.
# make runs on a copy of the Makefile and completions/ with the ddb under test as the built binary (make -o: never
# rebuilt), so the test neither compiles nor writes into the tree.

load test_helper

create_table() { # WIRE-NAME
	ddb_local CreateTable '{"TableName":"'"$1"'","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
}

# A throw-away source tree: Makefile, completions/, VERSION and the binary under test as ./ddb and build/release/ddb.
make_tree() {
	SRC=$BATS_TEST_TMPDIR/src
	mkdir -p "$SRC/build/release"
	cp "$DDB_TEST_ROOT/Makefile" "$SRC/"
	cp -r "$DDB_TEST_ROOT/completions" "$SRC/"
	cp "$DDB_TEST_ROOT/VERSION" "$SRC/" 2>/dev/null || true
	cp "$DDB_BIN" "$SRC/build/release/ddb"
	cp "$DDB_BIN" "$SRC/ddb"
}

run_make() { # TARGET [VAR=VALUE...]
	make --no-print-directory -C "$SRC" -o ddb -o build/release/ddb "$@"
}

@test "make install: the binary, a ddb-<command> link per command, completions and the man page; uninstall removes them" {
	local ns root=$BATS_TEST_TMPDIR/root c
	ns=$(unique_ns)
	create_table "${ns}users"
	make_tree
	run -0 run_make install PREFIX=/usr DESTDIR="$root"
	[[ -x $root/usr/bin/ddb ]]
	for c in $("$DDB" __commands); do
		[[ -L $root/usr/bin/ddb-$c && $(readlink "$root/usr/bin/ddb-$c") == ddb ]] || {
			echo "missing link ddb-$c"
			return 1
		}
	done
	[[ -f $root/usr/share/man/man1/ddb.1 ]]
	cmp "$DDB_TEST_ROOT/completions/ddb.bash" "$root/usr/share/bash-completion/completions/ddb"
	cmp "$DDB_TEST_ROOT/completions/_ddb" "$root/usr/share/zsh/site-functions/_ddb"
	cmp "$DDB_TEST_ROOT/completions/ddb.fish" "$root/usr/share/fish/vendor_completions.d/ddb.fish"
	# completions are loaded by command name: each ddb-<command> link has its entry
	[[ $(readlink "$root/usr/share/bash-completion/completions/ddb-scan") == ddb ]]
	[[ $(readlink "$root/usr/share/fish/vendor_completions.d/ddb-scan.fish") == ddb.fish ]]

	# the installed program and a link work
	run -0 "$root/usr/bin/ddb" --version
	assert_output --partial "ddb "
	run -0 "$root/usr/bin/ddb-list-tables" --namespace "$ns"
	assert_output users
	# the installed completion answers through the installed ddb
	run -0 env PATH="$root/usr/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(ddb list-t); COMP_CWORD=1; _ddb
		printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/ddb"
	assert_output list-tables
	if command -v man >/dev/null; then
		run -0 env MANWIDTH=100 man -l "$root/usr/share/man/man1/ddb.1"
		assert_output --partial "schema-load"
	fi

	# uninstall needs no built ddb; it removes every ddb-* link to ddb (also one from an older install), nothing else
	ln -s ddb "$root/usr/bin/ddb-retired-command"
	echo mine >"$root/usr/bin/ddb-notes"
	rm -rf "$SRC/ddb" "$SRC/build"
	run -0 run_make uninstall PREFIX=/usr DESTDIR="$root"
	run -0 find "$root" -type f -o -type l
	assert_output "$root/usr/bin/ddb-notes"
}

@test "man page: every command, option, meta-command, environment variable and exit code is in it" {
	local man c o v code
	man=$("$DDB" __man)
	grep -q '^\.TH DDB 1' <<<"$man"
	if command -v groff >/dev/null; then
		run -0 --separate-stderr groff -man -ww -z <<<"$man"
		[[ -z $stderr ]] || { echo "$stderr"; return 1; }
	fi
	for c in $("$DDB" __commands); do
		grep -qF ".SS ${c//-/\\-}" <<<"$man" || { echo "command $c missing"; return 1; }
		for o in $("$DDB" "$c" --help | sed -nE 's/^ +(-[a-zA-Z], )? *--([a-z][a-z0-9-]*).*/\2/p'); do
			grep -qF "\\-\\-${o//-/\\-}" <<<"$man" || { echo "option --$o of $c missing"; return 1; }
		done
	done
	for v in .use .local .prod .region .namespace .output .status .help .quit; do
		grep -qF "\\fB\\&$v\\fR" <<<"$man" || grep -qF "\\fB$v\\fR" <<<"$man" || { echo "meta $v missing"; return 1; }
	done
	# every environment variable ddb reads (test-only ones aside) is documented
	for v in $(grep -rhoE 'getenv\("[A-Z_0-9]+"\)' "$DDB_TEST_ROOT/lib" "$DDB_TEST_ROOT/cmd" | sed -E 's/getenv\("(.*)"\)/\1/' |
		sort -u | grep -v '^DDB_TEST_'); do
		grep -qF "$v" <<<"$man" || { echo "environment variable $v missing"; return 1; }
	done
	# every exit code of lib/base/err.h
	for code in $(grep -oE 'EXIT_[A-Z]+ = [0-9]+' "$DDB_TEST_ROOT/lib/err.h" | grep -oE '[0-9]+$'); do
		grep -qE "^\\\\fB$code\\\\fR\$" <<<"$man" || { echo "exit code $code missing"; return 1; }
	done
	# files
	for v in .aws/config .aws/credentials .ddb_history schemas/ seed/; do
		grep -qF "$v" <<<"$man" || { echo "file $v missing"; return 1; }
	done
}

@test "install-links: the project's bin/ddb and bin/cognito links, idempotent, relative to nothing" {
	local ns dir=$BATS_TEST_TMPDIR/proj/bin l
	ns=$(unique_ns)
	create_table "${ns}users"
	run -0 "$DDB" install-links "$dir"
	for l in ddb/schema-load ddb/seed ddb/list-tables ddb/drop ddb/scan ddb/enable-stream ddb/create-vpc-endpoint \
		ddb/patterns/get-conversation ddb/patterns/list-conversations cognito/list-users; do
		[[ -L $dir/$l ]] || { echo "missing $l"; return 1; }
		[[ $(readlink "$dir/$l") == /* ]]
		[[ $(readlink -f "$dir/$l") == $(readlink -f "$DDB_BIN") ]]
	done
	[[ $(find "$dir" -type l | wc -l) -eq 10 ]]
	# a link runs its command (and the old scripts' trailing "prod" means --prod: no region here -> 78)
	run -0 "$dir/ddb/list-tables" --namespace "$ns"
	assert_output users
	run -78 "$dir/ddb/list-tables" prod
	run -0 "$dir/ddb/patterns/get-conversation" --help
	assert_output --partial "ddb query conversation"
	# again: nothing changes
	run -0 --separate-stderr "$DDB" install-links "$dir"
	[[ $stderr == *"0 links created or updated"*"10 already right"* ]]
	# a link pointing elsewhere is updated
	ln -sfn /bin/true "$dir/ddb/seed"
	run -0 "$DDB" install-links "$dir"
	[[ $(readlink -f "$dir/ddb/seed") == $(readlink -f "$DDB_BIN") ]]
	# --dry-run changes nothing
	ln -sfn /bin/true "$dir/ddb/scan"
	run -0 "$DDB" install-links "$dir" --dry-run
	assert_output "$dir/ddb/scan -> $(readlink -f "$DDB_BIN")"
	[[ $(readlink "$dir/ddb/scan") == /bin/true ]]
}

@test "install-links: an old script is refused without --force (nothing changed), replaced with it" {
	local dir=$BATS_TEST_TMPDIR/proj/bin
	mkdir -p "$dir/ddb"
	printf '#!/bin/sh\necho old\n' >"$dir/ddb/seed"
	run -1 --separate-stderr "$DDB" install-links "$dir"
	[[ $stderr == *"ddb/seed' exists and is not a link"*"--force"* ]]
	[[ ! -e $dir/ddb/scan && -f $dir/ddb/seed && ! -L $dir/ddb/seed ]]
	run -0 "$DDB" install-links "$dir" --force
	[[ -L $dir/ddb/seed ]]
	# a directory in the way is never replaced
	rm "$dir/ddb/scan"
	mkdir "$dir/ddb/scan"
	run -1 "$DDB" install-links "$dir" --force
	# default DIR is ./bin; --target names what the links point to
	cd "$BATS_TEST_TMPDIR"
	run -0 "$DDB" install-links --target /usr/bin/ddb
	[[ $(readlink bin/ddb/seed) == /usr/bin/ddb ]]
	run -64 "$DDB" install-links a b
}
