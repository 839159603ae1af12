#!/bin/sh
# Records real HAProxy's answers to the HTTP/1 raw-request corpus (src/test/resources/h1/corpus)
# into src/test/resources/h1/haproxy-<version>.expected, which H1CorpusIT then holds vxlb to.
# Usage: src/test/h1/record-haproxy.sh [path/to/haproxy]   (default /usr/sbin/haproxy)
# Offline by default; set MVN_OFFLINE= to let Maven download.
set -eu
cd "$(dirname "$0")/../../.."
HAPROXY="${1:-/usr/sbin/haproxy}"
"$HAPROXY" -v | head -1
exec mvn -B -q ${MVN_OFFLINE--o} verify -Dit.test=H1CorpusIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dvxlb.h1.record="$HAPROXY"
