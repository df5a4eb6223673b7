#!/bin/bash
# Keeps the manual page in step with the command line: every command that `fanout --help` lists
# (and every subcommand a command's help names, such as `history show`) has a subsection
# "fanout COMMAND ..." in the page, every option of `fanout COMMAND --help` is an item (.TP) of that
# subsection, and the other way round; the options of `fanout --help` are items of OPTIONS.
# Prints each difference and fails when there is any.
# Usage: manpage-matches-help.sh FANOUT MANPAGE   (ctest: the `manpage` test, label packaging)
set -u
fanout=${1:?usage: $0 FANOUT MANPAGE}
page=${2:?usage: $0 FANOUT MANPAGE}
export QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8

problems=0
problem() {
    echo "manpage-matches-help: $*"
    problems=$((problems + 1))
}

# The page's items: "COMMAND<TAB>--option" for each long option on the tag line after a .TP, with
# COMMAND the subsection's words after "fanout" ("history show"), or "-" in OPTIONS; and
# "COMMAND<TAB>section" for each subsection, "COMMAND<TAB>synopsis" for each .SY line.
page_items() {
    awk '
        function command_of(text,    n, words, i, c) {
            gsub(/\\f[BIRP]|"/, "", text)
            n = split(text, words, /[ \t]+/)
            c = ""
            for (i = 1; i <= n; i++) {
                if (words[i] == "" || words[i] == "fanout") continue
                if (words[i] !~ /^[a-z]+$/) break
                c = c == "" ? words[i] : c " " words[i]
            }
            return c
        }
        /^\.SH / { section = $0; sub(/^\.SH +"?/, "", section); sub(/"$/, "", section); command = ""; next }
        /^\.SS / { command = command_of(substr($0, 5)); if (command != "") print command "\tsection"; next }
        /^\.SY / { c = command_of(substr($0, 5)); if (c != "") print c "\tsynopsis"; next }
        /^\.TP/ { tag = 1; next }
        tag {
            tag = 0
            line = $0
            gsub(/\\-/, "-", line)
            owner = section == "OPTIONS" ? "-" : (section == "COMMANDS" && command != "" ? command : "")
            if (owner == "") next
            while (match(line, /--[a-z0-9][a-z0-9-]*/)) {
                print owner "\t" substr(line, RSTART, RLENGTH)
                line = substr(line, RSTART + RLENGTH)
            }
        }
    ' "$page" | sort -u
}

# The long options in the "Options:" part of a help text on standard input, one a line.
help_options() {
    awk '/^Options:/ { on = 1; next } /^[A-Z][a-z]*:/ { on = 0 } on' |
        grep -oE '^ +(-[[:alnum:]], )?--[a-z0-9][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' | sort -u
}

help_of() { # COMMAND WORDS...: the help text of `fanout WORDS... --help`
    local text
    # shellcheck disable=SC2086 # a command may be two words (history show)
    text=$("$fanout" $1 --help 2>&1)
    [ -n "$text" ] || problem "\`fanout $1 --help\` printed nothing"
    printf '%s\n' "$text"
}

# The page's header names the version the program says it is.
version=$("$fanout" --version 2>/dev/null | awk '{ print $2 }')
grep -qE "^\.TH FANOUT 1 .*\"Fanout ${version//./\\.}\"" "$page" ||
    problem "the .TH line of $page does not say \"Fanout $version\" (fanout --version)"

items=$(page_items)
[ -n "$items" ] || { echo "manpage-matches-help: no items read from $page"; exit 1; }
has_item() { grep -qxF -- "$1	$2" <<<"$items"; }

top=$(help_of "")
commands=$(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on' <<<"$top" | grep -oE '^  [a-z]+' | tr -d ' ')
[ -n "$commands" ] || problem "no commands read from \`fanout --help\`"

# Subcommands that a command's help names: "fanout history show RUN".
all_commands=$commands
for command in $commands; do
    subcommands=$(help_of "$command" | grep -oE "fanout $command [a-z]+ [A-Z]" | awk '{ print $3 }' | sort -u)
    for sub in $subcommands; do all_commands+=$'\n'"$command $sub"; done
done

# Global options: those of `fanout --help`; the page's OPTIONS items may also be options that every
# command has (--help-all).
for option in $(help_options <<<"$top"); do
    has_item - "$option" || problem "$option: in \`fanout --help\`, not an item of OPTIONS in $page"
done
common=$(help_options <<<"$(help_of run)")
for option in $(awk -F'\t' '$1 == "-" { print $2 }' <<<"$items"); do
    if ! help_options <<<"$top" | grep -qxF -- "$option" && ! grep -qxF -- "$option" <<<"$common"; then
        problem "$option: an item of OPTIONS in $page, but not in \`fanout --help\` nor a command's"
    fi
done

while IFS= read -r command; do
    [ -n "$command" ] || continue
    has_item "$command" section || { problem "fanout $command: a command, with no subsection \"fanout $command ...\" in $page"; continue; }
    has_item "$command" synopsis || problem "fanout $command: a command, not in the SYNOPSIS of $page"
    help=$(help_options <<<"$(help_of "$command")")
    for option in $help; do
        has_item "$command" "$option" || has_item - "$option" ||
            problem "fanout $command $option: in \`fanout $command --help\`, not in $page"
    done
    for option in $(awk -F'\t' -v c="$command" '$1 == c && $2 ~ /^--/ { print $2 }' <<<"$items"); do
        grep -qxF -- "$option" <<<"$help" ||
            problem "fanout $command $option: in $page, not in \`fanout $command --help\`"
    done
done <<<"$all_commands"

# Subsections of commands that do not exist (any more).
for command in $(awk -F'\t' '$2 == "section" { print $1 }' <<<"$items" | tr ' ' '+'); do
    grep -qxF "${command//+/ }" <<<"$all_commands" ||
        problem "fanout ${command//+/ }: a subsection of $page, not a command of \`fanout --help\`"
done

if [ "$problems" -gt 0 ]; then
    echo "manpage-matches-help: $problems difference(s) between $page and the help of $fanout"
    exit 1
fi
echo "manpage-matches-help: $page documents the $(wc -l <<<"$all_commands") commands and every option of $fanout"
