#!/usr/bin/env bash
# A server dying under load, HAProxy 2.6 and vxlb on the same configuration in one run: two
# servers checked every 300 ms (fall 2), retries 3, option redispatch, 20 keep-alive clients;
# the first server stops after 1 s (bench/Failover.java). Prints failed requests and p50/p99/max
# latency for each proxy.
#
# Needs: haproxy (Debian), java 17, a built jar (mvn -B -q package -DskipTests).
# Usage: bench/failover.sh [ROUNDS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$HAPROXY" ] || { echo "haproxy missing: sudo apt-get install -y haproxy" >&2; exit 2; }
[ -f target/vxlb.jar ] || { echo "target/vxlb.jar missing -- run: mvn -B -q package -DskipTests" >&2; exit 2; }
work=$(mktemp -d /tmp/vxlb-failover.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
B1=19101; B2=19102; HAP=18181; VX=18182
cfg() {
cat <<CFG
global
    maxconn 4096
    nbthread 2
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
    retries 3
    option redispatch
frontend fe
    bind 127.0.0.1:$1
    default_backend be
backend be
    balance roundrobin
    server s1 127.0.0.1:$B1 check inter 300ms fall 2 rise 2
    server s2 127.0.0.1:$B2 check inter 300ms fall 2 rise 2
CFG
}
cfg $HAP > "$work/haproxy.cfg"
cfg $VX > "$work/vxlb.cfg"
"$HAPROXY" -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pids+=($!)
java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar target/vxlb.jar -q -f "$work/vxlb.cfg" > "$work/vxlb.log" 2>&1 & pids+=($!)
sleep 3
javac -d "$work/classes" bench/Failover.java
for r in $(seq 1 "$ROUNDS"); do
  for p in haproxy:$HAP vxlb:$VX; do
    name=${p%%:*}; port=${p##*:}
    echo "round $r $name: $(java -cp "$work/classes" Failover "$port" $B1 $B2)"
    sleep 2  # the stopped server is seen down; the next run starts both again
  done
done
