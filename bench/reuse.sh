#!/usr/bin/env bash
# Backend connection reuse: N small keep-alive requests (default 10,000) from C concurrent
# clients (default 50, wrk -t2) through HAProxy 2.6 and through vxlb, each with one nginx
# server and default keep-alive settings (HAProxy: 'http-reuse safe'). Counts the TCP
# connections nginx accepted (stub_status "accepts" delta) = backend sockets opened, the
# requests nginx served, and TIME_WAIT sockets on the backend port right after the run and
# after the proxy stopped. 127.0.0.1 only; everything it starts is stopped and its temp
# directory removed on exit.
#
# Needs nginx (with stub_status), haproxy, wrk and target/vxlb.jar (mvn -B -q package -DskipTests).
# Each proxy talks to its own nginx port; "new TW" counts TIME_WAIT sockets on that port that were
# not there when the run started (earlier runs' sockets stay in TIME_WAIT for 60 s on Linux).
# Usage: bench/reuse.sh [REQUESTS=10000] [CONNECTIONS=50] [ROUNDS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
REQS=${1:-10000}; CONNS=${2:-50}; ROUNDS=${3:-2}; THREADS=2
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
for c in "$NGINX" "$HAPROXY" wrk java; do command -v "$c" >/dev/null 2>&1 || { echo "missing: $c" >&2; exit 2; }; done
[ -f target/vxlb.jar ] || { echo "target/vxlb.jar missing -- run: mvn -B -q package -DskipTests" >&2; exit 2; }

work=$(mktemp -d /tmp/vxlb-reuse.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

HAP_BACKEND=19101; VX_BACKEND=19103; STATUS=19102; PROXY=18181

cat > "$work/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  server { listen 127.0.0.1:$HAP_BACKEND; listen 127.0.0.1:$VX_BACKEND; location / { return 200 "hello\n"; } }
  server { listen 127.0.0.1:$STATUS; location / { stub_status; } }
}
NGX

proxy_cfg() {  # backend port
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
    bind 127.0.0.1:$PROXY
    default_backend be
backend be
    server s1 127.0.0.1:$1
CFG
}
proxy_cfg $HAP_BACKEND > "$work/haproxy.cfg"
proxy_cfg $VX_BACKEND > "$work/vxlb.cfg"

# each wrk thread stops after its share of the requests (a few in flight may still complete) and
# notes it in a file; wrk itself sleeps its whole -d, so the script interrupts it once all are done
per_thread=$(( (REQS + THREADS - 1) / THREADS ))
cat > "$work/count.lua" <<LUA
local n = 0
function response(status, headers, body)
  n = n + 1
  if n == $per_thread then
    local f = io.open("$work/done", "a"); f:write("x\\n"); f:close()
    wrk.thread:stop()
  end
end
LUA

wait_port() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
status() { exec 3<>/dev/tcp/127.0.0.1/$STATUS; printf 'GET / HTTP/1.0\r\nHost: x\r\n\r\n' >&3; cat <&3; exec 3<&-; }
# "accepts handled requests" line of stub_status; the status request itself is one accept + one request
counters() { status | awk 'f==1{print $1, $3; exit} /accepts/{f=1}'; }
# TIME_WAIT sockets on the backend port that were not there at the start of the run (4-tuples)
tw_list() { ss -Htan state time-wait "( sport = :$BACKEND or dport = :$BACKEND )" | awk '{print $(NF-1), $NF}' | sort; }
tw() { tw_list | comm -13 "$work/tw0" - | wc -l; }
estab() { ss -Htan state established "( dport = :$BACKEND )" | wc -l; }  # proxy side of backend connections

"$NGINX" -c "$work/nginx.conf" -p "$work" & pids+=($!)
wait_port $HAP_BACKEND; wait_port $VX_BACKEND; wait_port $STATUS

fmt='%-8s %9s %8s %11s %9s %12s %11s %11s %10s\n'
printf "$fmt" proxy requests backend req/backend estab "new TW" estab "new TW" "new TW"
printf "$fmt" "" "(nginx)" sockets socket "at end" "at end" "+6s idle" "+6s idle" "stopped"
run() {  # name, backend port, command...
  local name=$1 BACKEND=$2; shift 2
  "$@" > "$work/$name.log" 2>&1 & local pid=$!; pids+=($pid)
  wait_port $PROXY
  read -r a0 r0 < <(counters); tw_list > "$work/tw0"
  rm -f "$work/done"
  wrk -t$THREADS -c$CONNS -d120s -s "$work/count.lua" "http://127.0.0.1:$PROXY/" > "$work/$name.wrk" 2>&1 & local wrk=$!
  for _ in $(seq 1 1200); do [ "$(cat "$work/done" 2>/dev/null | wc -l)" -ge $THREADS ] && break; sleep 0.05; done
  sleep 0.2; kill -INT $wrk 2>/dev/null || true; wait $wrk || true
  read -r a1 r1 < <(counters); local tw1 es1; tw1=$(tw); es1=$(estab)
  sleep 6
  local tw6 es6; tw6=$(tw); es6=$(estab)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  sleep 1
  local tw2; tw2=$(tw)
  local sockets=$(( a1 - a0 - 1 )) requests=$(( r1 - r0 - 1 ))
  printf "$fmt" "$name" "$requests" "$sockets" "$(awk -v r=$requests -v s=$sockets 'BEGIN{printf "%.1f", s ? r/s : 0}')" "$es1" "$tw1" "$es6" "$tw6" "$tw2"
  grep -E "requests in|Non-2xx|Socket errors" "$work/$name.wrk" | sed "s/^/    $name wrk: /"
}
for round in $(seq 1 "$ROUNDS"); do
  run haproxy $HAP_BACKEND "$HAPROXY" -f "$work/haproxy.cfg" -db
  sleep 1
  run vxlb $VX_BACKEND java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar target/vxlb.jar -q -f "$work/vxlb.cfg"
  sleep 1
done
