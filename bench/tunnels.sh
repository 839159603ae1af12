#!/usr/bin/env bash
# Memory per open WebSocket tunnel: vxlb vs HAProxy 2.6, on loopback, in one run.
#
# A JDK-only WebSocket echo backend and client (bench/NetBench.java) open N tunnels through each
# proxy (HTTP/1.1 Upgrade, one echoed frame per tunnel at the start), hold them all open while the
# proxy's memory is measured, then echo one more frame on every tunnel and close them.
#   vxlb:    heap used after a full GC (jcmd GC.class_histogram / GC.heap_info), RSS (VmRSS),
#            native memory (NMT summary.diff), and the class histogram growth per tunnel
#   haproxy: RSS (VmRSS)
# each as (with N tunnels - before) / N, "before" being after a 500-tunnel warm-up round.
#
# Needs: haproxy, java 17 (javac, jcmd) and a built jar (mvn -B -q package -DskipTests).
# Usage: bench/tunnels.sh [N=9000]     env: VXLB_JAVA_OPTS (default -Xms256m -Xmx1g + NMT summary)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-9000}
THREADS=${BENCH_THREADS:-2}
WARM=500

for c in haproxy java javac jcmd; do command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || { echo "missing: $c" >&2; exit 2; }; done
[ -f target/vxlb.jar ] || { echo "target/vxlb.jar missing -- run: mvn -B -q package -DskipTests" >&2; exit 2; }
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

# each proxy holds 2 sockets per tunnel; the client and the backend one each
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((2 * N + 300)) ]; then
  echo "ulimit -n is $(ulimit -n): too low for $N tunnels (needs $((2 * N + 300)))" >&2; exit 2
fi

work=$(mktemp -d /tmp/vxlb-tunnels.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

javac -d "$work/classes" bench/NetBench.java
NB=(java -Xss256k -XX:+UseSerialGC -cp "$work/classes" NetBench)

WS_HAP=19211; WS_VX=19212; HAP=18211; VX=18212
MAXCONN=$((N + 500))

proxy_cfg() { # port backend-port
cat <<CFG
global
    maxconn $MAXCONN
    nbthread $THREADS
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout tunnel 1h
frontend fe
    bind 127.0.0.1:$1
    default_backend be
backend be
    server s1 127.0.0.1:$2
CFG
}
proxy_cfg $HAP $WS_HAP > "$work/haproxy.cfg"
proxy_cfg $VX $WS_VX > "$work/vxlb.cfg"

"${NB[@]}" server ws:$WS_HAP ws:$WS_VX > "$work/server.log" 2>&1 & pids+=($!)
"$HAPROXY" -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pids+=($!); hap_pid=$!
java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g -XX:NativeMemoryTracking=summary} -jar target/vxlb.jar -q -f "$work/vxlb.cfg" > "$work/vxlb.log" 2>&1 & pids+=($!); vx_pid=$!

wait_port() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
wait_port $WS_HAP; wait_port $WS_VX; wait_port $HAP; wait_port $VX

rss_kb() { awk '/^VmRSS/ {print $2}' /proc/$1/status; }
# live heap after a full GC (the histogram is taken with a full GC too): "garbage-first heap total 262144K, used 12345K"
heap_kb() { jcmd $1 GC.run >/dev/null; jcmd $1 GC.heap_info | awk '/heap/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K.*/, "", v); print v; exit } }'; }
histo() { jcmd $1 GC.class_histogram | awk '$1 ~ /^[0-9]+:$/ { print $4, $2, $3 }'; }
kb_per() { awk -v a=$1 -v b=$2 -v n=$3 'BEGIN { printf "%.2f", (b - a) / n }'; }
mib() { awk -v a=$1 -v b=$2 'BEGIN { printf "%+.1f MiB", (b - a) / 1024 }'; }

# runs the tunnel client: warm-up round, before, N open, with, close, after
declare -A RES
measure() { # name port pid jvm(0/1)
  local name=$1 port=$2 pid=$3 jvm=$4
  echo "== $name: warm-up with $WARM tunnels"
  touch "$work/go.warm"; rm -f "$work/ready.warm"
  "${NB[@]}" tunnels $port $WARM "$work/ready.warm" "$work/go.warm" | sed 's/^/   /'
  sleep 1
  local rss0 heap0=0 rss1 heap1=0 rss2 heap2=0
  if [ "$jvm" = 1 ]; then
    heap0=$(heap_kb $pid); heap_kb $pid >/dev/null; heap0=$(heap_kb $pid)
    histo $pid > "$work/$name.histo0"
    jcmd $pid VM.native_memory baseline >/dev/null 2>&1 || true
  fi
  rss0=$(rss_kb $pid)
  echo "== $name: opening $N tunnels"
  rm -f "$work/ready" "$work/go"
  "${NB[@]}" tunnels $port $N "$work/ready" "$work/go" > "$work/$name.client" 2>&1 & local cpid=$!; pids+=($cpid)
  for _ in $(seq 1 1200); do [ -f "$work/ready" ] && break; kill -0 $cpid 2>/dev/null || break; sleep 0.1; done
  [ -f "$work/ready" ] || { echo "client never got its tunnels up:"; cat "$work/$name.client"; exit 1; }
  sleep 1
  rss1=$(rss_kb $pid)
  local open; open=$(ss -Htn state established "( sport = :$port )" | wc -l)
  if [ "$jvm" = 1 ]; then
    heap1=$(heap_kb $pid)
    histo $pid > "$work/$name.histo1"
    jcmd $pid VM.native_memory summary.diff > "$work/$name.nmt" 2>&1 || true
    rss1=$(rss_kb $pid)
  fi
  echo "   established client connections at the proxy: $open"
  touch "$work/go"
  local rc=0; wait $cpid || rc=$?
  sed 's/^/   /' "$work/$name.client"
  sleep 1
  [ "$jvm" = 1 ] && heap2=$(heap_kb $pid)
  rss2=$(rss_kb $pid)
  echo "   RSS:  before $((rss0 / 1024)) MiB, with $N tunnels $((rss1 / 1024)) MiB ($(mib $rss0 $rss1)) -> $(kb_per $rss0 $rss1 $N) kB/tunnel; after close $((rss2 / 1024)) MiB"
  if [ "$jvm" = 1 ]; then
    echo "   heap: before $((heap0 / 1024)) MiB, with $N tunnels $((heap1 / 1024)) MiB ($(mib $heap0 $heap1)) -> $(kb_per $heap0 $heap1 $N) kB/tunnel; after close $((heap2 / 1024)) MiB ($(mib $heap0 $heap2) vs before)"
    echo "   heap growth by class (bytes and instances per tunnel, top ${TOP:-15}):"
    awk -v n=$N 'FNR == NR { b[$1] = $3; c[$1] = $2; next } { d = $3 - b[$1]; if (d > 0) printf "%d %.2f %s\n", d, ($2 - c[$1]) / n, $1 }' \
      "$work/$name.histo0" "$work/$name.histo1" | sort -rn | head -${TOP:-15} |
      awk -v n=$N '{ printf "     %8.1f B/tunnel  %6.2f inst/tunnel  %s\n", $1 / n, $2, $3 }'
    echo "   connection-level objects alive per tunnel (instances/tunnel, bytes/tunnel):"
    awk -v n=$N 'FNR == NR { b[$1] = $3; c[$1] = $2; next }
      $1 ~ /^io\.vxlb\.|NetSocketImpl$|Http1x.*Connection$|InternalMessageChannel$|MpscUnboundedArrayQueue$|EpollSocketChannel$|Http1xServerRequest$|HttpClientRequestImpl$/ {
        if ($2 - c[$1] > 0.5 * n) printf "     %6.2f  %8.1f B  %s\n", ($2 - c[$1]) / n, ($3 - b[$1]) / n, $1 }' \
      "$work/$name.histo0" "$work/$name.histo1" | sort -k3
    echo "   native memory growth (NMT committed, per category):"
    awk -v n=$N '/^-/ { c = $0; sub(/^- */, "", c); sub(/ *\(.*/, "", c)
                 if (match($0, /committed=[0-9]+KB [+-][0-9]+KB/)) { d = substr($0, RSTART, RLENGTH); sub(/.* /, "", d); v = d; gsub(/[+KB]/, "", v)
                   printf "     %-22s %10s  %8.2f kB/tunnel\n", c, d, v / n } }' "$work/$name.nmt"
  fi
  RES[$name]="$rc $(kb_per $rss0 $rss1 $N) $(kb_per $heap0 $heap1 $N)"
}

echo "tunnels: N=$N, proxies with nbthread $THREADS, $(nproc) CPUs, ulimit -n $(ulimit -n), load average $(cut -d" " -f1-3 /proc/loadavg)"
measure haproxy $HAP $hap_pid 0
measure vxlb $VX $vx_pid 1

echo
read -r hrc hrss _ <<< "${RES[haproxy]}"
read -r vrc vrss vheap <<< "${RES[vxlb]}"
echo "summary ($N tunnels): haproxy RSS $hrss kB/tunnel$([ "$hrc" = 0 ] || echo ' (TUNNEL FAILURES)'); vxlb RSS $vrss kB/tunnel, heap $vheap kB/tunnel$([ "$vrc" = 0 ] || echo ' (TUNNEL FAILURES)') (target <= 16)"
[ "$hrc" = 0 ] && [ "$vrc" = 0 ]
