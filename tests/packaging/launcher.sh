#!/bin/bash
# The launcher path: a plan opened from a file manager, or dropped on the launcher, runs the
# desktop entry's Exec line with the file in place of %f. GLib's `gio launch` does what desktops
# do with resources/fanout.desktop (its own expansion of Exec, quoting included) on a plan whose
# path has a space and an accent, with `fanout` on PATH the program under test; the window
# (offscreen) must open that plan, which it shows by recording it in its recent files (the
# dashboard records only plans it opened), and keep running: it is a window, not a command.
# Usage: launcher.sh FANOUT DESKTOP_ENTRY SOURCE_DIR   (ctest: the `launcher` test, label packaging)
set -u
fanout=$(readlink -f "${1:?usage: $0 FANOUT DESKTOP_ENTRY SOURCE_DIR}")
entry=$(readlink -f "${2:?}")
source_dir=$(readlink -f "${3:?}")
command -v gio >/dev/null || { echo "launcher: gio is missing (apt-get install libglib2.0-bin)"; exit 1; }
export QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8

work=$(mktemp -d)
# The fanout this test started: the one with its settings folder.
ours() {
    local pid
    for pid in $(pgrep -x fanout); do
        { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qxF "XDG_CONFIG_HOME=$work/config" && echo "$pid"
    done
}
cleanup() {
    local pid
    for pid in $(ours); do kill -KILL "$pid"; done
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bin" "$work/config" "$work/data" "$work/My plans"
ln -s "$fanout" "$work/bin/fanout"
export PATH=$work/bin:$PATH XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data HOME=$work
plan="$work/My plans/wéb stack.fanout.json"
cp "$source_dir/resources/plans/demo.json" "$plan"

grep -qx 'Exec=fanout gui %f' "$entry" || { echo "launcher: $entry does not run \"fanout gui %f\""; exit 1; }
# Not in $(...): the window inherits gio's output and keeps it open.
if ! gio launch "$entry" "$plan" >"$work/gio.log" 2>&1; then
    echo "launcher: gio launch failed: $(cat "$work/gio.log")"
    exit 1
fi

# The dashboard writes its settings when it has opened the plan; give it 60 s (it lays out first).
opened=
for _ in $(seq 1 600); do
    if grep -rqsF -- "$plan" "$work/config"; then
        opened=yes
        break
    fi
    sleep 0.1
done
pid=$(ours | head -n 1)
if [ -z "$opened" ]; then
    echo "launcher: the window did not open $plan within 60 s (settings: $(cat "$work"/config/*/* 2>/dev/null))"
    [ -n "$pid" ] || echo "launcher: and fanout is not running"
    exit 1
fi
[ -n "$pid" ] || { echo "launcher: fanout opened the plan but is no longer running"; exit 1; }
args=$(tr '\0' '|' <"/proc/$pid/cmdline")
[ "$args" = "fanout|gui|$plan|" ] || { echo "launcher: fanout runs with arguments \"$args\", not \"gui\" and the plan"; exit 1; }
kill -TERM "$pid"
echo "launcher: gio launch $(basename "$entry") \"$plan\" opened the plan in the window"
