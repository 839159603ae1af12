#!/usr/bin/env bash
# 1 GiB through HAProxy 2.6 and vxlb in one run: a download (nginx serves a 1 GiB file) and an
# upload (nginx reads and drops a 1 GiB request body), one curl at a time, keep-alive proxies
# with identical configurations. Prints MiB/s per proxy and direction, and each proxy's RSS
# before and after (growth), so speed and memory are measured together.
#
# Needs: nginx, haproxy, curl (Debian), java 17, a built jar (mvn -B -q package -DskipTests).
# Usage: bench/bulk.sh [ROUNDS=2] [MIB=1024]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}; MIB=${2:-1024}
NGINX=$(command -v nginx || echo /usr/sbin/nginx); HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -f target/vxlb.jar ] || { echo "target/vxlb.jar missing -- run: mvn -B -q package -DskipTests" >&2; exit 2; }
work=$(mktemp -d /tmp/vxlb-bulk.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
BACKEND=19201; HAP=18281; VX=18282
chmod 755 "$work"; mkdir -p "$work/www"
head -c $((MIB * 1024 * 1024)) /dev/urandom > "$work/www/big"; chmod 644 "$work/www/big"
cat > "$work/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_buffer_size 1m;
  client_body_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$BACKEND;
    root $work/www;
    location /up { proxy_request_buffering off; return 200 "ok\n"; }
  }
}
NGX
mkdir -p "$work/tmp"
cfg() {
cat <<CFG
global
    maxconn 1024
    nbthread 2
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend fe
    bind 127.0.0.1:$1
    default_backend be
backend be
    server s1 127.0.0.1:$BACKEND
CFG
}
cfg $HAP > "$work/haproxy.cfg"; cfg $VX > "$work/vxlb.cfg"
"$NGINX" -c "$work/nginx.conf" -p "$work" & pids+=($!)
"$HAPROXY" -f "$work/haproxy.cfg" -db & pids+=($!); hap_pid=$!
java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar target/vxlb.jar -q -f "$work/vxlb.cfg" & pids+=($!); vx_pid=$!
sleep 3
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$1/status; }
# warm-up: JIT for vxlb
for _ in 1 2 3; do curl -s -o /dev/null http://127.0.0.1:$VX/big; done
curl -s -o /dev/null http://127.0.0.1:$HAP/big
printf "%-8s %-9s %10s %8s %8s\n" proxy direction MiB/s rss0_MiB rss1_MiB
for r in $(seq 1 "$ROUNDS"); do
  for p in haproxy:$HAP:$hap_pid vxlb:$VX:$vx_pid; do
    IFS=: read -r name port pid <<< "$p"
    r0=$(rss "$pid")
    t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/big")
    r1=$(rss "$pid")
    printf "%-8s %-9s %10.0f %8s %8s\n" "$name" download "$(awk -v m=$MIB -v t=$t 'BEGIN{print m/t}')" "$r0" "$r1"
    r0=$(rss "$pid")
    t=$(curl -s -o /dev/null -w '%{time_total}' -H 'Expect:' -T "$work/www/big" "http://127.0.0.1:$port/up")
    r1=$(rss "$pid")
    printf "%-8s %-9s %10.0f %8s %8s\n" "$name" upload "$(awk -v m=$MIB -v t=$t 'BEGIN{print m/t}')" "$r0" "$r1"
  done
done
