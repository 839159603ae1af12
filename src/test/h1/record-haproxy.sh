#!/bin/sh
# Records real HAProxy's answers to the HTTP/1 raw-request corpus (src/test/resources/h1/corpus)
# into src/test/resources/h1/haproxy-<version>.expected, which H1CorpusIT then holds vxlb to.
# Usage: src/test/h1/record-haproxy.sh [path/to/haproxy [CASE-REGEX]]   (default /usr/sbin/haproxy, every case)
# CASE-REGEX (e.g. '30[01]'): records only the cases whose id starts with a match, the rest of the file stays.
# Offline by default; set MVN_OFFLINE= to let Maven download.
set -eu
cd "$(dirname "$0")/../../.."
HAPROXY="${1:-/usr/sbin/haproxy}"
CASES="${2:-}"
"$HAPROXY" -v | head -1
exec mvn -B -q ${MVN_OFFLINE--o} verify -Dit.test=H1CorpusIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dvxlb.h1.record="$HAPROXY" -Dvxlb.h1.cases="$CASES"
