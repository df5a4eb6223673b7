#!/bin/sh
# Installs the Debian packages Fanout needs to build and test (packaging/debian-packages.txt),
# only those missing, so that `make run` and `make test` work on a fresh Debian 12 machine.
# As root it calls apt-get directly; otherwise through sudo.
set -eu

list="$(dirname "$0")/debian-packages.txt"
missing=""
for package in $(grep -v '^#' "$list"); do
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
