#!/usr/bin/env bash
# Lays out, under $WORK (default compat/work, never committed), what the kit runs but does not
# ship, all from Debian's archive through apt (no root needed, the machine's apt setup untouched):
#   src/     HAProxy 2.6.12's source package (reg-tests/, scripts/run-regtests.sh)  apt-get source
#   root/    Debian's varnish (varnishtest: VTest's parent, with the same 'haproxy' driver),
#            libvarnishapi3, and Debian's haproxy 2.6.12 with its libraries (the reference
#            build whose -vv selects the tests, and --haproxy runs)                  apt-get download
# A private sources list (deb-src for bookworm) and private apt lists/cache live in $WORK/apt.
set -euo pipefail
WORK=${WORK:-$(cd "$(dirname "$0")/.." && pwd)/work}
HAPROXY_VERSION=2.6.12
SUITES=${COMPAT_APT_SUITES:-"bookworm bookworm-updates"}
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/debs"
src_list="$WORK/apt/sources.sources"
{
  for s in $SUITES; do
    printf 'Types: deb deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n' "$s"
  done
  printf 'Types: deb deb-src\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
} > "$src_list"
APT=(-o Dir::Etc::SourceList="$src_list" -o Dir::Etc::SourceParts=/nonexistent
     -o Dir::State::Lists="$WORK/apt/lists" -o Dir::Cache="$WORK/apt/cache"
     -o Dir::State::status=/var/lib/dpkg/status -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)" -q)

if [ ! -f "$WORK/.apt-updated" ]; then
  apt-get "${APT[@]}" update >/dev/null
  touch "$WORK/.apt-updated"
fi

if [ ! -d "$WORK/src/reg-tests" ]; then
  rm -rf "$WORK/srcpkg" && mkdir -p "$WORK/srcpkg"
  # the newest 2.6.12 Debian revision whose files the mirror serves (security uploads are
  # sometimes listed before their files are there)
  versions=$(apt-cache "${APT[@]}" showsrc haproxy | sed -n 's/^Version: //p' | grep "^$HAPROXY_VERSION-" | sort -u -r -V)
  got=
  for v in $versions; do
    if (cd "$WORK/srcpkg" && apt-get "${APT[@]}" source --download-only "haproxy=$v" >/dev/null 2>&1); then got=$v; break; fi
    rm -f "$WORK/srcpkg"/*
  done
  [ -n "$got" ] || { echo "compat: no haproxy $HAPROXY_VERSION source package could be downloaded" >&2; exit 1; }
  tmp="$WORK/src.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
  tar xzf "$WORK/srcpkg/haproxy_$HAPROXY_VERSION.orig.tar.gz" -C "$tmp"
  rm -rf "$WORK/src"; mv "$tmp/haproxy-$HAPROXY_VERSION" "$WORK/src"; rm -rf "$tmp"
  echo "$got" > "$WORK/src/.debian-version"
else
  # the tests' own files as shipped, every run: a test that changes one at run time (a map
  # that the runtime API updates, which vxlb writes back) must not change the next run
  tmp="$WORK/src.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
  tar xzf "$WORK/srcpkg/haproxy_$HAPROXY_VERSION.orig.tar.gz" -C "$tmp" "haproxy-$HAPROXY_VERSION/reg-tests"
  rm -rf "$WORK/src/reg-tests"; mv "$tmp/haproxy-$HAPROXY_VERSION/reg-tests" "$WORK/src/reg-tests"; rm -rf "$tmp"
fi

if [ ! -x "$WORK/root/usr/bin/varnishtest" ] || [ ! -x "$WORK/root/usr/sbin/haproxy" ]; then
  (cd "$WORK/debs" && rm -f ./*.deb &&
   apt-get "${APT[@]}" download varnish libvarnishapi3 haproxy liblua5.3-0 libopentracing-c-wrapper0 libopentracing1 >/dev/null)
  rm -rf "$WORK/root"
  for d in "$WORK"/debs/*.deb; do dpkg-deb -x "$d" "$WORK/root"; done
fi
echo "$WORK"
