# ddb.fish — fish completion for ddb.  Every answer comes from `ddb __complete -- WORDS...` (commands, options,
# option values, live table names) so this never drifts from ddb's command table; ":file"/":dir" mean "complete a
# path".  Install: $(PREFIX)/share/fish/vendor_completions.d/ddb.fish (make install).

function __ddb_complete
    set -l cur (commandline -ct)
    set -l words (commandline -opc)
    set -e words[1]
    set -l out (command ddb __complete -- $words "$cur" 2>/dev/null)
    switch "$out[1]"
        case ':file'
            __fish_complete_path "$cur"
        case ':dir'
            __fish_complete_directories "$cur"
        case '*'
            printf '%s\n' $out
    end
end

complete -c ddb -f -a '(__ddb_complete)'
