# ddb.bash — bash completion for ddb and its ddb-<command> links.
# Thin on purpose: every answer comes from `ddb __complete -- WORDS...` (commands, options, option values, live
# table names), which reads ddb's own command table, so this file never drifts from the commands.  A ":file" or
# ":dir" answer means "complete a path".  Install: $(PREFIX)/share/bash-completion/completions/ddb (make install),
# or `source completions/ddb.bash`.

_ddb() {
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} base
	local -a args=("${COMP_WORDS[@]:1:COMP_CWORD}") out
	local IFS=$'\n'

	# COMP_WORDBREAKS splits "--output=js" into "--output" "=" "js": glue such pieces back together.
	local -a glued=()
	local i w
	for ((i = 0; i < ${#args[@]}; i++)); do
		w=${args[i]}
		if ((${#glued[@]})) && [[ $w == "=" || ${glued[${#glued[@]} - 1]} == *= ]] &&
			[[ ${glued[${#glued[@]} - 1]} == --* ]]; then
			glued[${#glued[@]} - 1]+=$w
		else
			glued+=("$w")
		fi
	done
	((${#glued[@]})) || glued=("")
	[[ $cur == "=" ]] && cur=

	# a link ddb-scan completes like "ddb scan"; ask the ddb next to it (or on PATH)
	base=${prog##*/}
	if [[ $base == ddb-?* ]]; then
		glued=("${base#ddb-}" "${glued[@]}")
		if [[ $prog == */* ]]; then prog=${prog%/*}/ddb; else prog=ddb; fi
	fi
	out=($("$prog" __complete -- "${glued[@]}" 2>/dev/null))

	case ${out[0]-} in
	:file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	:dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	esac
	# candidates are whole words ("--output=json"); readline replaces only the part after the last '='
	local full=${glued[${#glued[@]} - 1]} strip=
	[[ $full != "$cur" && $full == *"$cur" ]] && strip=${full%"$cur"}
	COMPREPLY=()
	for w in "${out[@]}"; do
		COMPREPLY+=("${w#"$strip"}")
	done
	return 0
}

_ddb_register() {
	local names=(ddb) c
	if command -v ddb >/dev/null 2>&1; then
		for c in $(ddb __commands 2>/dev/null); do names+=("ddb-$c"); done
	fi
	complete -F _ddb "${names[@]}"
}
_ddb_register
unset -f _ddb_register
