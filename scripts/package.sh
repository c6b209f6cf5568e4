#!/usr/bin/env bash
# Build the Debian packages (libimapclient0, libimapclient-dev, imapclient)
# from the tree as it is, in a scratch directory, with
# `dpkg-buildpackage -us -uc`; check them with lintian (no errors allowed);
# unpack them into a scratch root (dpkg -x: no chroot, no container) and
# build an outside program against that root through pkg-config, then run
# it and the packaged program from there.
#
#   package.sh [WORK_DIR]     WORK_DIR defaults to build/deb
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${1:-$root/build/deb}
ver=$(dpkg-parsechangelog -S Version)
upstream=${ver%-*}
src="$work/libimapclient-$upstream"

rm -rf "$work"
mkdir -p "$src"
# the tracked and new files as they are now (not only what is committed)
git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$src"
tar -C "$work" --exclude="libimapclient-$upstream/debian" \
    -czf "$work/libimapclient_$upstream.orig.tar.gz" "libimapclient-$upstream"

echo "== dpkg-buildpackage -us -uc"
(cd "$src" && dpkg-buildpackage -us -uc -j"$(nproc 2>/dev/null || echo 2)" >"$work/build.log" 2>&1) || {
    tail -60 "$work/build.log"
    echo "package.sh: dpkg-buildpackage failed (log: $work/build.log)" >&2
    exit 1
}
ls "$work"/*.deb

echo "== lintian"
changes=$(ls "$work"/*.changes)
lintian --fail-on error --tag-display-limit 0 "$changes" | tee "$work/lintian.log" || {
    echo "package.sh: lintian found errors" >&2
    exit 1
}

echo "== the packages unpacked into a scratch root, and used from there"
sysroot="$work/root"
for deb in "$work"/*.deb; do
    dpkg -x "$deb" "$sysroot"
done
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir="$sysroot/usr/lib/$multiarch"
[ -e "$libdir/libimapclient.so.0" ] || { echo "no libimapclient.so.0 in the package" >&2; exit 1; }
# the .pc file as installed, read through the scratch root
export PKG_CONFIG_SYSROOT_DIR=$sysroot
export PKG_CONFIG_LIBDIR=$libdir/pkgconfig:/usr/lib/$multiarch/pkgconfig:/usr/share/pkgconfig
[ "$(PKG_CONFIG_SYSROOT_DIR= pkg-config --variable=includedir imapclient)" = /usr/include ] ||
    { echo "the packaged imapclient.pc names the wrong includedir" >&2; exit 1; }
[ "$(PKG_CONFIG_SYSROOT_DIR= pkg-config --variable=libdir imapclient)" = "/usr/lib/$multiarch" ] ||
    { echo "the packaged imapclient.pc names the wrong libdir" >&2; exit 1; }
mkdir -p "$work/outside"
cp examples/quickstart.c examples/folders.c "$work/outside/"
for p in quickstart folders; do
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror "$work/outside/$p.c" -o "$work/outside/$p" \
        $(pkg-config --cflags --libs imapclient)
done
rc=0
LD_LIBRARY_PATH=$libdir "$work/outside/quickstart" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { echo "the outside program did not run (status $rc)" >&2; exit 1; }
for bin in "$work/outside/quickstart" "$sysroot/usr/bin/imapclient"; do
    libs=$(LD_LIBRARY_PATH=$libdir ldd "$bin")
    grep -qF "$libdir/libimapclient.so.0" <<<"$libs" ||
        { echo "$bin is not linked to the packaged library: $libs" >&2; exit 1; }
done
LD_LIBRARY_PATH=$libdir "$sysroot/usr/bin/imapclient" --version
for f in usr/share/man/man3/imapclient_connect.3.gz usr/share/man/man3/imapclient_options.3.gz \
    usr/share/man/man1/imapclient.1.gz usr/share/doc/libimapclient-dev/errors.md \
    usr/share/doc/imapclient/cli-json.md "usr/lib/$multiarch/cmake/imapclient/imapclientConfig.cmake"; do
    [ -e "$sysroot/$f" ] || { echo "missing from the packages: /$f" >&2; exit 1; }
done
echo "packages built, lintian clean of errors, installed into $sysroot and used from there"
