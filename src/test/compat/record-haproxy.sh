#!/bin/sh
# Records real HAProxy's answers for the differential cases (io.vxlb.compat.Differential):
# src/test/resources/io/vxlb/compat/NAME.haproxy, which the tests then hold vxlb to.
# Usage: src/test/compat/record-haproxy.sh [path/to/haproxy [TEST-CLASSES]]
#   default /usr/sbin/haproxy and every class using the kit, e.g. 'ErrorRepliesIT,LogSinkIT'.
# Offline by default; set MVN_OFFLINE= to let Maven download.
set -eu
cd "$(dirname "$0")/../../.."
HAPROXY="${1:-/usr/sbin/haproxy}"
TESTS="${2:-ErrorRepliesIT,TlsFilesIT,SyslogFormatIT,CaptureActionIT,UniqueIdIT,HashConvertersIT}"
"$HAPROXY" -v | head -1
exec mvn -B -q ${MVN_OFFLINE--o} verify -Dit.test="$TESTS" -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dvxlb.compat.record="$HAPROXY"
