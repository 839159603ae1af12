#!/usr/bin/env bash
# Side-by-side benchmark: direct to nginx, through HAProxy 2.6 and through vxlb, on loopback,
# with equivalent configurations, alternating runs in one session. Prints req/s, latency
# p50/p99 and each proxy's CPU seconds per request (from /proc), plus vxlb/HAProxy ratios.
#
# Needs (installs nothing itself): nginx, haproxy, wrk from Debian:
#   sudo apt-get install -y nginx haproxy wrk
# and a built jar: mvn -B -q package -DskipTests
#
# Usage: bench/run.sh [DURATION_SECONDS=10] [CONNECTIONS=50] [ROUNDS=2]
# Each round runs every proxy at saturation (wrk as fast as it can), then HAProxy and vxlb again
# at the same moderate load (bench/paced.lua: each connection waits PACED_DELAY_MS=1 between
# requests), where their p99 latencies are compared.
# VXLB_BASE_JAR=path/to/other/vxlb.jar adds a second vxlb ("base", e.g. an older build) to every
# round, so a change is measured against its baseline and HAProxy in one run.
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

work=$(mktemp -d /tmp/vxlb-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

BACKEND=19001; HAP=18081; VX=18082; VXB=18083

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

# identical proxy configuration for both: keep-alive both sides, forwardfor, one server
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
    option forwardfor
frontend fe
    bind 127.0.0.1:$1
    default_backend be
backend be
    server s1 127.0.0.1:$BACKEND
CFG
}
proxy_cfg $HAP > "$work/haproxy.cfg"
proxy_cfg $VX > "$work/vxlb.cfg"
proxy_cfg $VXB > "$work/vxlb-base.cfg"

"$NGINX" -c "$work/nginx.conf" -p "$work" & pids+=($!)
"$HAPROXY" -f "$work/haproxy.cfg" -db & pids+=($!); hap_pid=$!
java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar target/vxlb.jar -q -f "$work/vxlb.cfg" & pids+=($!); vx_pid=$!

base_pid=""
if [ -n "${VXLB_BASE_JAR:-}" ]; then
  java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar "$VXLB_BASE_JAR" -q -f "$work/vxlb-base.cfg" & pids+=($!); base_pid=$!
fi

wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
wait_port $BACKEND; wait_port $HAP; wait_port $VX
[ -n "$base_pid" ] && wait_port $VXB

cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat; }
HZ=$(getconf CLK_TCK)

# warm-up (JIT) for vxlb, and a short one for the others
wrk -t2 -c$CONNS -d15s http://127.0.0.1:$VX/ >/dev/null
[ -n "$base_pid" ] && wrk -t2 -c$CONNS -d15s http://127.0.0.1:$VXB/ >/dev/null
wrk -t2 -c$CONNS -d2s http://127.0.0.1:$HAP/ >/dev/null

declare -A RPS CPU P50 P99 PP99 PRPS
run() { # name port pid
  local name=$1 port=$2 pid=${3:-}
  local before=0 after=0
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  local out; out=$(wrk -t2 -c$CONNS -d${DUR}s --latency http://127.0.0.1:$port/)
  [ -n "$pid" ] && after=$(cpu_ticks "$pid")
  local rps reqs p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local cpu="-"
  [ -n "$pid" ] && cpu=$(awk -v t=$((after-before)) -v hz=$HZ -v n=$reqs 'BEGIN { printf "%.1f", t/hz/n*1e6 }')
  printf "%-8s %10s req/s  p50 %8s  p99 %8s  cpu/req %6s us\n" "$name" "$rps" "$p50" "$p99" "$cpu"
  RPS[$name]="${RPS[$name]:-} $rps"; CPU[$name]="${CPU[$name]:-} $cpu"; P99[$name]="${P99[$name]:-} $(ms "$p99")"
}

ms() { echo "$1" | awk '{v=$1; if (v ~ /ms$/) {sub(/ms/,"",v); print v} else if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else {sub(/s$/,"",v); print v*1000}}'; }

run_paced() { # name port: the same offered load for each proxy, latency compared
  local name=$1 port=$2 out rps p99
  out=$(WRK_DELAY_MS=${PACED_DELAY_MS:-1} wrk -t2 -c$CONNS -d${DUR}s --latency -s bench/paced.lua http://127.0.0.1:$port/)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf "%-8s %10s req/s  p99 %8s  (paced: %s ms between requests per connection)\n" "$name" "$rps" "$p99" "${PACED_DELAY_MS:-1}"
  PRPS[$name]="${PRPS[$name]:-} $rps"; PP99[$name]="${PP99[$name]:-} $(ms "$p99")"
}

echo "wrk: $DUR s, $CONNS connections, 2 threads; proxies with $THREADS threads; $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
  run direct $BACKEND
  run haproxy $HAP $hap_pid
  run vxlb $VX $vx_pid
  [ -n "$base_pid" ] && run base $VXB $base_pid
  run_paced haproxy $HAP
  run_paced vxlb $VX
done

avg() { echo "$1" | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; printf "%.2f", s/NF}'; }
hr=$(avg "${RPS[haproxy]}"); vr=$(avg "${RPS[vxlb]}"); hc=$(avg "${CPU[haproxy]}"); vc=$(avg "${CPU[vxlb]}")
echo
echo "mean req/s: haproxy $hr, vxlb $vr -> vxlb/haproxy $(awk -v a=$vr -v b=$hr 'BEGIN{printf "%.2f", a/b}')x"
echo "mean CPU us/request: haproxy $hc, vxlb $vc -> vxlb/haproxy $(awk -v a=$vc -v b=$hc 'BEGIN{printf "%.2f", a/b}')x"
hp=$(avg "${P99[haproxy]}"); vp=$(avg "${P99[vxlb]}")
echo "mean p99 at saturation: haproxy $hp ms, vxlb $vp ms -> vxlb/haproxy $(awk -v a=$vp -v b=$hp 'BEGIN{printf "%.2f", a/b}')x"
hpp=$(avg "${PP99[haproxy]}"); vpp=$(avg "${PP99[vxlb]}"); hpr=$(avg "${PRPS[haproxy]}"); vpr=$(avg "${PRPS[vxlb]}")
echo "mean p99 at the same load (paced, haproxy $hpr req/s, vxlb $vpr req/s): haproxy $hpp ms, vxlb $vpp ms -> vxlb/haproxy $(awk -v a=$vpp -v b=$hpp 'BEGIN{printf "%.2f", a/b}')x"
if [ -n "$base_pid" ]; then
  br=$(avg "${RPS[base]}"); bc=$(avg "${CPU[base]}")
  echo "base ($VXLB_BASE_JAR): req/s $br, CPU us/request $bc -> vxlb/base req/s $(awk -v a=$vr -v b=$br 'BEGIN{printf "%.2f", a/b}')x, CPU $(awk -v a=$vc -v b=$bc 'BEGIN{printf "%.2f", a/b}')x"
fi
