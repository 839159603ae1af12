#!/usr/bin/env bash
# Cost of stick-table tracking per request: HAProxy 2.6 and vxlb, each with and without
#   stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur,http_req_cnt
#   http-request track-sc0 src
#   http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100000000 }
# (the limit is never reached: every request is tracked, counted and checked, then proxied).
# One client address, keep-alive, nginx behind; runs alternate in one session. Prints req/s,
# p50/p99 and each proxy's CPU microseconds per request (from /proc), and the tracking overhead.
#
# Needs nginx, haproxy, wrk (sudo apt-get install -y nginx haproxy wrk) and a built jar
# (mvn -B -q package -DskipTests). Only meaningful on a quiet machine.
#
# Usage: bench/stick.sh [DURATION_SECONDS=10] [CONNECTIONS=50] [ROUNDS=2]
# VXLB_STICK_SYNC_INTERVAL applies to vxlb as documented (a standalone node sends nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-10}; CONNS=${2:-50}; ROUNDS=${3:-2}
THREADS=${BENCH_THREADS:-2}

missing=()
for c in nginx haproxy wrk java; do command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || missing+=("$c"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]} -- install with: sudo apt-get install -y ${missing[*]/java/openjdk-17-jdk-headless}" >&2
  exit 2
fi
[ -f target/vxlb.jar ] || { echo "target/vxlb.jar missing -- run: mvn -B -q package -DskipTests" >&2; exit 2; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

work=$(mktemp -d /tmp/vxlb-stick-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

BACKEND=19101; HAP=18181; HAPT=18182; VX=18183; VXT=18184

cat > "$work/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$BACKEND;
    location / { return 200 "hello\n"; }
  }
}
NGX

# proxy_cfg PORT TRACK(0|1): the same configuration for both proxies
proxy_cfg() {
cat <<CFG
global
    maxconn 4096
    nbthread $THREADS
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:$1
CFG
if [ "$2" = 1 ]; then
cat <<CFG
    stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur,http_req_cnt
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100000000 }
CFG
fi
cat <<CFG
    default_backend be
backend be
    server s1 127.0.0.1:$BACKEND
CFG
}
proxy_cfg $HAP 0 > "$work/haproxy.cfg"
proxy_cfg $HAPT 1 > "$work/haproxy-track.cfg"
proxy_cfg $VX 0 > "$work/vxlb.cfg"
proxy_cfg $VXT 1 > "$work/vxlb-track.cfg"

"$NGINX" -c "$work/nginx.conf" -p "$work" & pids+=($!)
"$HAPROXY" -f "$work/haproxy.cfg" -db & pids+=($!); hap_pid=$!
"$HAPROXY" -f "$work/haproxy-track.cfg" -db & pids+=($!); hapt_pid=$!
java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar target/vxlb.jar -q -f "$work/vxlb.cfg" & pids+=($!); vx_pid=$!
java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar target/vxlb.jar -q -f "$work/vxlb-track.cfg" & pids+=($!); vxt_pid=$!

wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
for p in $BACKEND $HAP $HAPT $VX $VXT; do wait_port $p; done

cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat; }
HZ=$(getconf CLK_TCK)

# warm-up (JIT) for vxlb, a short one for HAProxy; the tracked ones must answer 200, not 429
for p in $VX $VXT; do wrk -t2 -c$CONNS -d15s http://127.0.0.1:$p/ >/dev/null; done
for p in $HAP $HAPT; do wrk -t2 -c$CONNS -d2s http://127.0.0.1:$p/ >/dev/null; done
for p in $HAPT $VXT; do
  code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$p/)
  [ "$code" = 200 ] || { echo "tracked proxy on $p answered $code" >&2; exit 1; }
done

declare -A RPS CPU
run() { # name port pid
  local name=$1 port=$2 pid=$3
  local before after out rps reqs p50 p99 cpu
  before=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c$CONNS -d${DUR}s --latency http://127.0.0.1:$port/)
  after=$(cpu_ticks "$pid")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  cpu=$(awk -v t=$((after-before)) -v hz=$HZ -v n=$reqs 'BEGIN { printf "%.1f", t/hz/n*1e6 }')
  printf "%-14s %10s req/s  p50 %8s  p99 %8s  cpu/req %6s us\n" "$name" "$rps" "$p50" "$p99" "$cpu"
  RPS[$name]="${RPS[$name]:-} $rps"; CPU[$name]="${CPU[$name]:-} $cpu"
}

echo "wrk: $DUR s, $CONNS connections, 2 threads; proxies with $THREADS threads; $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
  run haproxy $HAP $hap_pid
  run haproxy+track $HAPT $hapt_pid
  run vxlb $VX $vx_pid
  run vxlb+track $VXT $vxt_pid
done

avg() { echo "$1" | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; printf "%.1f", s/NF}'; }
echo
for p in haproxy vxlb; do
  c0=$(avg "${CPU[$p]}"); c1=$(avg "${CPU[$p+track]}"); r0=$(avg "${RPS[$p]}"); r1=$(avg "${RPS[$p+track]}")
  echo "$p: CPU us/request $c0 -> $c1 with tracking (+$(awk -v a=$c1 -v b=$c0 'BEGIN{printf "%.1f", a-b}') us, $(awk -v a=$c1 -v b=$c0 'BEGIN{printf "%+.0f", (a/b-1)*100}')%); req/s $r0 -> $r1"
done
