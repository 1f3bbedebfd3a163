# ddb.fish — fish completion for ddb and its ddb-<command> links.  Every answer comes from `ddb __complete --
# WORDS...` (commands, options, option values, live table names) so this never drifts from ddb's command table;
# ":file"/":dir" mean "complete a path" (after the '=' of a --opt=VALUE word).
# Install: $(PREFIX)/share/fish/vendor_completions.d/ddb.fish (make install), or `source completions/ddb.fish`.
# fish loads a completion file by command name, so the links are registered when this file is loaded (a
# ddb-<command>.fish symlink to it in the same directory makes the links load it too).

function __ddb_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $words[1]
    set -e words[1]
    # a link ddb-scan completes like "ddb scan": ask the ddb next to it (or on PATH)
    set -l base (string replace -r '.*/' '' -- $prog)
    if string match -qr '^ddb-.' -- $base
        set words (string replace -r '^ddb-' '' -- $base) $words
        if string match -q '*/*' -- $prog
            set prog (string replace -r '/[^/]*$' '' -- $prog)/ddb
        else
            set prog ddb
        end
    end
    set -l out (command $prog __complete -- $words "$cur" 2>/dev/null)
    switch "$out[1]"
        case ':file' ':dir'
            # --rejects=FILE: complete the path after the '=' and keep the option in front
            set -l pre ''
            set -l path $cur
            if string match -qr '^--[^=]*=' -- $cur
                set pre (string replace -r '=.*' '=' -- $cur)
                set path (string replace -r '^[^=]*=' '' -- $cur)
            end
            if test "$out[1]" = ':dir'
                set out (__fish_complete_directories "$path" '')
            else
                set out (__fish_complete_path "$path" '')
            end
            for p in $out
                printf '%s%s\n' $pre $p
            end
        case '*'
            printf '%s\n' $out
    end
end

if not set -q __ddb_completion_loaded
    set -g __ddb_completion_loaded 1
    complete -c ddb -f -a '(__ddb_complete)'
    if command -q ddb
        for c in (command ddb __commands 2>/dev/null)
            complete -c ddb-$c -f -a '(__ddb_complete)'
        end
    end
end
