#!/bin/bash
# The Debian package as `make package` makes it: built from the build tree with cpack (into a folder
# of its own, so that build/'s packages are left alone), then checked as Debian's tools check it:
#   - lintian: no error and no warning (infos are printed, not failed on);
#   - its control fields: Maintainer "Name <address>", no Homepage, an extended description,
#     Section, Priority, Installed-Size; a stripped program; md5sums;
#   - the files of a good Debian citizen: the manual page (rendered by man without a warning),
#     the copyright file (DEP-5) and changelog.gz, the bash completion, the AppStream metadata
#     (appstreamcli validate, with the desktop entry it launches), the desktop entry
#     (desktop-file-validate, not even a hint), the MIME type of plans (shared-mime-info, and the
#     type the desktop entry opens).
# Usage: check-package.sh BUILD_DIR SOURCE_DIR   (ctest: the `package` test, label packaging)
set -u
build=$(readlink -f "${1:?usage: $0 BUILD_DIR SOURCE_DIR}")
source_dir=$(readlink -f "${2:?usage: $0 BUILD_DIR SOURCE_DIR}")
export LC_ALL=C.UTF-8
for tool in cpack dpkg-deb lintian appstreamcli desktop-file-validate update-mime-database man; do
    command -v "$tool" >/dev/null ||
        { echo "check-package: $tool is missing (packaging/debian-packages.txt lists the packages)"; exit 1; }
done

failures=0
fail() {
    echo "check-package: $*"
    failures=$((failures + 1))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
echo "check-package: building the package with cpack"
if ! (cd "$build" && cpack -G DEB -B "$work/out") >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    echo "check-package: cpack failed"
    exit 1
fi
deb=$(ls "$work"/out/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$work/cpack.log"; echo "check-package: cpack made no .deb"; exit 1; }
chmod 644 "$deb"
echo "check-package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# lintian, as an ordinary user (as root it warns that it should not run as root): E: and W: fail.
lintian_as=()
if [ "$(id -u)" -eq 0 ]; then
    mkdir "$work/home" && chown nobody:nogroup "$work/home"
    lintian_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$work/home" TMPDIR="$work/home")
fi
"${lintian_as[@]}" lintian --display-info --pedantic "$deb" >"$work/lintian.txt" 2>&1
sed 's/^/  lintian: /' "$work/lintian.txt"
grep -qE '^[EW]: ' "$work/lintian.txt" && fail "lintian reports errors or warnings (above)"
grep -qvE '^[EWIPXOCM]: |^N:|^$' "$work/lintian.txt" && fail "lintian said more than its tags (above)"

# The control fields.
control=$(dpkg-deb -f "$deb")
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^@\>]+\>$ ]] || fail "Maintainer \"$(field Maintainer)\" is not \"Name <address>\""
[ -z "$(field Homepage)" ] || fail "Homepage \"$(field Homepage)\": Fanout has no home page"
[ "$(field Description | wc -l)" -ge 4 ] || fail "the Description has no extended description"
for name in Package Version Architecture Section Priority Installed-Size Depends; do
    [ -n "$(field "$name")" ] || fail "no $name field in: $control"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -qx './md5sums' || fail "no md5sums in the control archive"

root=$work/root
dpkg-deb -x "$deb" "$root"
for file in usr/bin/fanout usr/share/man/man1/fanout.1.gz usr/share/doc/fanout/copyright usr/share/doc/fanout/changelog.gz \
    usr/share/bash-completion/completions/fanout usr/share/applications/fanout.desktop \
    usr/share/metainfo/invalid.fanout.fanout.metainfo.xml usr/share/mime/packages/fanout.xml \
    usr/share/icons/hicolor/scalable/apps/fanout.svg; do
    [ -f "$root/$file" ] || fail "the package has no /$file"
done
if [ -f "$root/usr/bin/fanout" ]; then
    readelf -S "$root/usr/bin/fanout" | grep -qE '\.(symtab|debug_info) ' && fail "/usr/bin/fanout is not stripped"
    version=$("$root/usr/bin/fanout" --version 2>&1)
    [ "$version" = "fanout $(field Version)" ] || fail "/usr/bin/fanout --version says \"$version\", the package is $(field Version)"
fi

# The manual page renders without a warning (what lintian runs too, with more).
if [ -f "$root/usr/share/man/man1/fanout.1.gz" ]; then
    warnings=$(MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$root/usr/share/man/man1/fanout.1.gz" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man --warnings: $warnings"
    cmp -s <(zcat "$root/usr/share/man/man1/fanout.1.gz") "$source_dir/packaging/fanout.1" ||
        fail "the packaged manual page is not packaging/fanout.1"
fi
# The changelog and the AppStream releases start with this version.
changelog_version=$(zcat "$root/usr/share/doc/fanout/changelog.gz" 2>/dev/null | sed -n '1s/^fanout (\([^)]*\)).*/\1/p')
[ "$changelog_version" = "$(field Version)" ] || fail "changelog.gz starts with version \"$changelog_version\", the package is $(field Version)"
grep -q "<release version=\"$(field Version)\" date=\"[0-9-]*\"" "$root"/usr/share/metainfo/*.xml 2>/dev/null ||
    fail "the AppStream metadata has no release $(field Version) with a date"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$root/usr/share/doc/fanout/copyright" 2>/dev/null ||
    fail "the copyright file is not machine-readable (DEP-5)"

# AppStream: the metadata, and the desktop entry it launches, as software centres read them.
appstream=$(appstreamcli validate-tree --no-net "$root" 2>&1) || fail "appstreamcli validate-tree: $appstream"
echo "$appstream" | sed 's/^/  appstreamcli: /'
grep -q '<launchable type="desktop-id">fanout.desktop</launchable>' "$root"/usr/share/metainfo/*.xml 2>/dev/null ||
    fail "the AppStream metadata does not launch fanout.desktop"

# The desktop entry: valid, not a single hint; it runs `fanout gui FILE` on the plans' MIME type.
desktop=$root/usr/share/applications/fanout.desktop
hints=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate: $hints"
[ -z "$hints" ] || fail "desktop-file-validate: $hints"
grep -qx 'Exec=fanout gui %f' "$desktop" || fail "the desktop entry does not run \"fanout gui %f\""
grep -q '^MimeType=.*application/json' "$desktop" && fail "the desktop entry claims every JSON file (application/json)"

# The MIME type: shared-mime-info reads it; the desktop entry opens what it defines.
mkdir -p "$work/mime/mime/packages"
cp "$root/usr/share/mime/packages/fanout.xml" "$work/mime/mime/packages/"
mime_errors=$(XDG_DATA_DIRS="$work/mime:/usr/share" update-mime-database "$work/mime/mime" 2>&1)
[ -z "$mime_errors" ] || fail "update-mime-database: $mime_errors"
mime_type=$(sed -n 's/.*<mime-type type="\([^"]*\)".*/\1/p' "$root/usr/share/mime/packages/fanout.xml")
[ -n "$mime_type" ] && grep -q "^MimeType=\(.*;\)\?$mime_type;" "$desktop" ||
    fail "the desktop entry does not open the plans' MIME type \"$mime_type\""
grep -qx "$mime_type" "$work/mime/mime/types" 2>/dev/null || fail "shared-mime-info does not know $mime_type"
if command -v gio >/dev/null; then
    # By name (*.fanout.json) and, without a name to go by, by content; not a state file.
    cp "$source_dir/resources/plans/demo.json" "$work/web.fanout.json"
    cp "$source_dir/resources/plans/regions.json" "$work/regions"
    printf '{"fanout_state": 1, "plan": "web", "resources": {"vpc": {"depends_on": []}}}\n' >"$work/state"
    type_of() { XDG_DATA_DIRS="$work/mime:/usr/share" gio info -a standard::content-type "$1" | sed -n 's/.*content-type: //p'; }
    [ "$(type_of "$work/web.fanout.json")" = "$mime_type" ] || fail "web.fanout.json is $(type_of "$work/web.fanout.json"), not $mime_type"
    [ "$(type_of "$work/regions")" = "$mime_type" ] || fail "a plan without extension is $(type_of "$work/regions"), not $mime_type"
    [ "$(type_of "$work/state")" != "$mime_type" ] || fail "a state file is taken for a plan ($mime_type)"
fi

if [ "$failures" -gt 0 ]; then
    echo "check-package: $failures check(s) failed"
    exit 1
fi
echo "check-package: $(basename "$deb") passes lintian, appstreamcli, desktop-file-validate and man"
