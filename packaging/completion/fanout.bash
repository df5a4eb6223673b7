# bash completion for fanout(1)                                   -*- shell-script -*-
# Installed as /usr/share/bash-completion/completions/fanout.
#
# Completes the commands; each command's options, read from `fanout COMMAND --help` the first time
# (so they never fall behind the program; once a shell); the values of --format and --show; plan
# files (and "demo"); and after --replace, --select and --target the resource ids and targets of
# the plan given on the command line, as `fanout graph PLAN` names them (imported plans and
# count/for_each/target instances included). tests/packaging/completion.sh checks it.

declare -gA _fanout_options _fanout_valued

# Reads the options of `fanout COMMAND --help` into _fanout_options[COMMAND] (every long option)
# and _fanout_valued[COMMAND] (the options, long and short, that take a value).
_fanout_read_help()
{
    local command=$1 program=$2
    [[ -n ${_fanout_options[$command]+set} ]] && return
    local help
    # shellcheck disable=SC2086 # "history show" is two words
    help=$(QT_QPA_PLATFORM=offscreen "$program" $command --help 2>/dev/null)
    _fanout_options[$command]=$(awk '
        /^Options:/ { on = 1; next } /^[A-Z][a-z]*:/ { on = 0 }
        on && match($0, /^ +(-[[:alnum:]], )?--[a-z0-9-]+/) {
            n = split(substr($0, RSTART, RLENGTH), words, /[ ,]+/)
            printf "%s ", words[n]
        }' <<<"$help")
    _fanout_valued[$command]=" $(awk '
        /^Options:/ { on = 1; next } /^[A-Z][a-z]*:/ { on = 0 }
        on && /^ +(-[[:alnum:]], )?--[a-z0-9-]+ </ {
            for (i = 1; i <= NF && $i !~ /^</; i++) { sub(/,$/, "", $i); printf "%s ", $i }
        }' <<<"$help")"
}

# The resource ids (instance addresses) of PLAN, one a line, from `fanout graph PLAN`.
_fanout_plan_ids()
{
    local program=$1 plan
    plan=$(dequote "$2")
    [[ $plan == \~/* ]] && plan=$HOME/${plan#\~/}
    "$program" graph "$plan" 2>/dev/null |
        sed -n 's/^ *"\(\([^"\\]\|\\.\)*\)" \[label=.*/\1/p' | sed 's/\\\(.\)/\1/g'
}

# COMPREPLY gets each of the lines on standard input that starts with $cur, quoted for the shell.
_fanout_reply_lines()
{
    local line
    while IFS= read -r line; do
        [[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$line")")
    done
}

_fanout()
{
    local cur prev words cword split
    _init_completion -s || return

    local program=${words[0]}
    local commands="gui run destroy validate graph import export history forecast"
    local i command="" start
    for ((i = 1; i < cword; i++)); do
        if [[ ${words[i]} != -* ]]; then
            command=${words[i]}
            break
        fi
    done
    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi
    [[ " $commands " == *" $command "* ]] || return
    start=$((i + 1))
    if [[ $command == history && ${words[start]-} == show ]] && ((start < cword)); then
        command="history show"
        start=$((start + 1))
    fi
    _fanout_read_help "$command" "$program"
    local valued=${_fanout_valued[$command]}

    # The words after the command that are not options nor options' values: the plan first.
    local -a arguments=()
    for ((i = start; i < cword; i++)); do
        if [[ ${words[i]} == -* ]]; then
            [[ $valued == *" ${words[i]} "* ]] && ((i++))
        else
            arguments+=("${words[i]}")
        fi
    done

    case $prev in
        --replace | --select)
            [[ -n ${arguments[0]-} ]] && _fanout_reply_lines < <(_fanout_plan_ids "$program" "${arguments[0]}")
            return
            ;;
        --target)
            [[ -n ${arguments[0]-} ]] &&
                _fanout_reply_lines < <(_fanout_plan_ids "$program" "${arguments[0]}" | sed -n 's/.*@//p' | sort -u)
            return
            ;;
        -f | --format)
            case $command in
                graph) COMPREPLY=($(compgen -W 'dot mermaid' -- "$cur")) ;;
                validate) COMPREPLY=($(compgen -W 'text json sarif' -- "$cur")) ;;
                import) COMPREPLY=($(compgen -W 'terraform-plan terraform-dot cloudformation compose' -- "$cur")) ;;
                export) COMPREPLY=($(compgen -W 'argo' -- "$cur")) ;;
            esac
            return
            ;;
        --show)
            COMPREPLY=($(compgen -W 'forecast targets' -- "$cur"))
            return
            ;;
        -o | --output)
            if [[ $command == export ]]; then
                _filedir '@(yaml|yml|json)'
            else
                _filedir json
            fi
            return
            ;;
        --report | --state | -m | --mapping)
            _filedir json
            return
            ;;
        --junit)
            _filedir xml
            return
            ;;
        --screenshot | --export-timeline)
            _filedir png
            return
            ;;
        --export-graph)
            _filedir '@(svg|png|dot|gv|mmd)'
            return
            ;;
        --history)
            _filedir
            return
            ;;
    esac
    # Any other option's value (a number, NAME=VALUE): nothing to offer.
    [[ $valued == *" $prev "* ]] && return
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${_fanout_options[$command]}" -- "$cur"))
        return
    fi
    ((${#arguments[@]} == 0)) || return
    case $command in
        "history show") ;; # a run's number
        import) _filedir '@(json|yaml|yml|template|dot|gv)' ;;
        *)
            _filedir '@(json|yaml|yml|dot|gv)'
            COMPREPLY+=($(compgen -W demo -- "$cur"))
            [[ $command == history ]] && COMPREPLY+=($(compgen -W show -- "$cur"))
            ;;
    esac
}
complete -F _fanout fanout

# ex: filetype=sh
