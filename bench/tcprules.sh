#!/usr/bin/env bash
# Cost of tcp-request content inspection and of the PROXY protocol, vxlb vs HAProxy 2.6, on
# loopback: CONNS sequential new connections through a mode tcp listen to redis-server, each
# sending one PING (14 bytes) and reading +PONG, then closing. Three listens per proxy:
#   plain    no rules
#   inspect  tcp-request inspect-delay 1s + accept if { req.len eq 14 } { req.payload(0,14) -m str ... }, reject
#   pp       the client sends a PROXY v1 header first (bind accept-proxy)
# Prints connections/s and the p50/p99 time from connect to +PONG.
# Needs: haproxy, redis-server, python3, a built jar (mvn -B -q package -DskipTests).
# Usage: bench/tcprules.sh [CONNS=3000]
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${1:-3000}
for c in haproxy redis-server python3 java; do command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || { echo "missing: $c" >&2; exit 2; }; done
[ -f target/vxlb.jar ] || { echo "target/vxlb.jar missing -- run: mvn -B -q package -DskipTests" >&2; exit 2; }
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
work=$(mktemp -d /tmp/vxlb-tcprules.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
REDIS=19401
cfg() { # plain inspect pp
cat <<CFG
global
    nbthread 1
defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s
listen plain
    bind 127.0.0.1:$1
    server r 127.0.0.1:$REDIS
listen inspect
    bind 127.0.0.1:$2
    tcp-request inspect-delay 1s
    tcp-request content accept if { req.len eq 14 } { req.payload(0,14) -m str "*1\r\n\\\$4\r\nPING\r\n" }
    tcp-request content reject
    server r 127.0.0.1:$REDIS
listen pp
    bind 127.0.0.1:$3 accept-proxy
    server r 127.0.0.1:$REDIS
CFG
}
redis-server --port $REDIS --save '' --appendonly no --daemonize no >/dev/null &
pids+=($!)
cfg 19411 19412 19413 > "$work/h.cfg"
cfg 19421 19422 19423 > "$work/v.cfg"
"$HAPROXY" -db -f "$work/h.cfg" >/dev/null 2>&1 &
pids+=($!)
java ${VXLB_JAVA_OPTS:-} -jar target/vxlb.jar -q -f "$work/v.cfg" >/dev/null 2>&1 &
pids+=($!)
sleep 4
cat > "$work/client.py" <<'PY'
import socket, sys, time
port, n, pp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "pp"
ping = b"*1\r\n$4\r\nPING\r\n"
head = b"PROXY TCP4 192.0.2.7 198.51.100.1 40000 6379\r\n" if pp else b""
lat = []
def one():
    t = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head + ping)
    got = b""
    while len(got) < 7:
        d = s.recv(64)
        if not d: raise SystemExit("closed early on port %d" % port)
        got += d
    s.close()
    return time.perf_counter() - t
for _ in range(200): one()  # warm-up (JIT)
t0 = time.perf_counter()
for _ in range(n): lat.append(one())
dt = time.perf_counter() - t0
lat.sort()
print("%8.0f conn/s  p50 %6.3f ms  p99 %6.3f ms" % (n / dt, lat[len(lat) // 2] * 1e3, lat[int(len(lat) * 0.99)] * 1e3))
PY
printf '%-8s %-8s %s\n' proxy listen result
for kind in plain inspect pp; do
  case $kind in plain) o=1 ;; inspect) o=2 ;; pp) o=3 ;; esac
  printf '%-8s %-8s %s\n' haproxy $kind "$(python3 "$work/client.py" $((19410 + o)) "$CONNS" $kind)"
  printf '%-8s %-8s %s\n' vxlb $kind "$(python3 "$work/client.py" $((19420 + o)) "$CONNS" $kind)"
done
