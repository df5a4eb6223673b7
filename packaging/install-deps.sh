#!/bin/sh
# Installs the Debian packages Fanout needs to build and test (packaging/debian-packages.txt),
# only those missing, so that `make run` and `make test` work on a fresh Debian 12 machine; with
# --checks, those of the sanitizer and fuzzing builds too (debian-packages-checks.txt).
# As root it calls apt-get directly; otherwise through sudo.
set -eu

lists="$(dirname "$0")/debian-packages.txt"
[ "${1:-}" = "--checks" ] && lists="$lists $(dirname "$0")/debian-packages-checks.txt"
missing=""
# shellcheck disable=SC2086 # the lists are meant to split into words
for package in $(grep -hv '^#' $lists); do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $package" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "Installing build dependencies:$missing"
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "error: these packages are missing:$missing" >&2
    echo "Install them as root: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -q
# shellcheck disable=SC2086 # the list is meant to split into words
$as_root apt-get install -y -q --no-install-recommends $missing
