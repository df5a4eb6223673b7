#!/bin/bash
# The bash completion of packaging/completion/fanout.bash, as bash-completion loads it: the
# commands, each command's options (all those of its --help), the values of --format, plan files,
# and the resource ids and targets of the plan on the command line after --replace and --target.
# Usage: completion.sh FANOUT COMPLETION SOURCE_DIR   (ctest: the `completion` test, label packaging)
set -u
fanout=$(readlink -f "${1:?usage: $0 FANOUT COMPLETION SOURCE_DIR}")
completion=$(readlink -f "${2:?}")
source_dir=$(readlink -f "${3:?}")
bash_completion=/usr/share/bash-completion/bash_completion
[ -r "$bash_completion" ] || { echo "completion: $bash_completion is missing (apt-get install bash-completion)"; exit 1; }
export QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/plans" "$work/plans/sub"
ln -s "$fanout" "$work/bin/fanout"
PATH=$work/bin:$PATH
cp "$source_dir/resources/plans/demo.json" "$source_dir/resources/plans/regions.json" "$work/plans/"
touch "$work/plans/web.fanout.json" "$work/plans/stack.yaml" "$work/plans/notes.txt"
cd "$work/plans" || exit 1

# shellcheck disable=SC1090
source "$bash_completion"
# shellcheck disable=SC1090
source "$completion"
declare -F _fanout >/dev/null || { echo "completion: $completion defines no _fanout"; exit 1; }
[ "$(complete -p fanout 2>/dev/null)" = "complete -F _fanout fanout" ] ||
    { echo "completion: $completion does not make _fanout complete fanout"; exit 1; }

failures=0
# complete WORD...: what Tab offers for the command line "WORD...", the last word being completed.
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _fanout fanout "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
}
# expect "WHAT" EXPECTED WORD...: the completions of WORD... are exactly the lines of EXPECTED.
expect() {
    local what=$1 expected=$2 got
    shift 2
    got=$(complete_words "$@")
    expected=$(sed '/^$/d' <<<"$expected" | sort -u)
    if [ "$got" != "$expected" ]; then
        echo "completion: $what: \"$*\" completes to:"
        diff <(echo "$expected") <(echo "$got") | sed -n 's/^</  missing:/p; s/^>/  unexpected:/p'
        failures=$((failures + 1))
    fi
}
lines() { tr ' ' '\n' <<<"$*"; }
help_options() {
    awk '/^Options:/ { on = 1; next } /^[A-Z][a-z]*:/ { on = 0 } on' |
        grep -oE '^ +(-[[:alnum:]], )?--[a-z0-9][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+'
}

top=$(fanout --help)
commands=$(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on' <<<"$top" | grep -oE '^  [a-z]+' | tr -d ' ')
expect "the commands of fanout --help" "$commands" fanout ""
expect "a command" run fanout r
expect "global options" "$(help_options <<<"$top")" fanout --

for command in $commands "history show"; do
    # shellcheck disable=SC2086 # "history show" is two words
    expect "the options of fanout $command --help" "$(fanout $command --help | help_options)" fanout $command --
done
expect "an option" "$(lines --replace)" fanout run demo.json --repl

# --format values, each of which the command's help names.
for case in "validate:text json sarif" "graph:dot mermaid" "import:terraform-plan terraform-dot cloudformation compose"; do
    command=${case%%:*}
    values=${case#*:}
    expect "fanout $command --format" "$(lines "$values")" fanout "$command" demo.json --format ""
    for value in $values; do
        fanout "$command" --help | grep -qF -- "$value" ||
            { echo "completion: --format $value of fanout $command: not in its --help"; failures=$((failures + 1)); }
    done
done
expect "--format=" "$(lines text json sarif)" fanout validate demo.json --format=""

# Plan files: JSON, YAML and folders (a slash is added by bash, not here), and the built-in
# demo; not other files.
expect "plan files" "$(lines demo.json regions.json web.fanout.json stack.yaml sub demo)" fanout run ""
expect "a plan file" "$(lines demo.json demo)" fanout validate dem
expect "history's plan or show" "$(lines show stack.yaml sub)" fanout history s

# Resource ids after --replace, from the plan given before or after other options.
ids=$(fanout graph demo.json | sed -n 's/^ *"\([^"]*\)" \[label=.*/\1/p')
[ "$(wc -l <<<"$ids")" -ge 20 ] || { echo "completion: fanout graph demo.json gave too few ids"; failures=$((failures + 1)); }
expect "ids after --replace" "$ids" fanout run demo.json --replace ""
expect "ids after --replace, with a prefix" "$(grep '^subnet-' <<<"$ids")" fanout run -j 4 demo.json --all --replace subnet-
expect "ids after --select" "$(grep '^db' <<<"$ids")" fanout gui demo.json --select db
expect "instance ids of a plan with targets" "$(lines vpc@eu-central-1 vpc@eu-north-1 vpc@eu-west-1)" fanout forecast regions.json --replace vpc@eu
expect "targets after --target" "$(lines eu-central-1 eu-north-1 eu-west-1)" fanout run regions.json --target eu
expect "no ids without a plan" "" fanout run --replace ""
expect "an option's value is not the plan" "" fanout run --state demo.json --replace ""

if [ "$failures" -gt 0 ]; then
    echo "completion: $failures check(s) failed"
    exit 1
fi
echo "completion: commands, options, --format values, plan files, ids and targets complete"
