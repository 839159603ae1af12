#!/usr/bin/env bash
# mode tcp and WebSocket tunnel throughput: direct vs HAProxy 2.6 vs vxlb, on loopback, one run.
#
#   tcp bulk     NetBench bulk: CONNS connections stream a pattern through a TCP echo server
#                (listen ... mode tcp), every echoed byte is verified; MiB/s one way
#   ws bulk      the same through WebSocket tunnels (HTTP/1.1 Upgrade via mode http, then 16 KiB
#                binary frames echoed by a WebSocket server); payload MiB/s one way
#   tcp pingpong 50 mode tcp connections to the echo server, one 32-byte message in flight each:
#                round trips/s, latency
#   ws pingpong  the same through 50 WebSocket tunnels (32-byte binary frames)
#   redis        redis-benchmark -t ping,set,get -c 50 against redis-server (listen ... mode tcp)
# Each proxy's CPU time (/proc/PID/stat) is divided by the work done: CPU seconds per GiB echoed
# (bulk) or CPU microseconds per round trip / request.
#
# Needs: haproxy, redis-server, redis-benchmark, java 17 (javac) and a built jar
# (mvn -B -q package -DskipTests).
# Usage: bench/tcp.sh [DURATION_SECONDS=2] [ROUNDS=3]   env: VXLB_JAVA_OPTS, BENCH_THREADS, REDIS_N, BULK_CONNS
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-2}; ROUNDS=${2:-3}
THREADS=${BENCH_THREADS:-2}
REDIS_N=${REDIS_N:-20000}
BULK_CONNS=${BULK_CONNS:-8}

missing=()
for c in haproxy redis-server redis-benchmark java javac; do command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || missing+=("$c"); done
[ ${#missing[@]} -eq 0 ] || { echo "missing: ${missing[*]}" >&2; exit 2; }
[ -f target/vxlb.jar ] || { echo "target/vxlb.jar missing -- run: mvn -B -q package -DskipTests" >&2; exit 2; }
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)

work=$(mktemp -d /tmp/vxlb-tcp.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

javac -d "$work/classes" bench/NetBench.java
NB=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=4 -cp "$work/classes" NetBench)

TCP_ECHO=19301; WS_ECHO=19302; REDIS=19303
# proxy ports: tcp echo, ws, redis
H_TCP=18301; H_WS=18302; H_REDIS=18303
V_TCP=18311; V_WS=18312; V_REDIS=18313

proxy_cfg() { # tcp-port ws-port redis-port
cat <<CFG
global
    maxconn 4096
    nbthread $THREADS
defaults
    timeout connect 5s
    timeout client 30s
    timeout server 30s
listen tcp_echo
    mode tcp
    bind 127.0.0.1:$1
    server s1 127.0.0.1:$TCP_ECHO
listen redis
    mode tcp
    bind 127.0.0.1:$3
    server r1 127.0.0.1:$REDIS
frontend ws
    mode http
    bind 127.0.0.1:$2
    default_backend ws
backend ws
    mode http
    timeout tunnel 1h
    server w1 127.0.0.1:$WS_ECHO
CFG
}
proxy_cfg $H_TCP $H_WS $H_REDIS > "$work/haproxy.cfg"
proxy_cfg $V_TCP $V_WS $V_REDIS > "$work/vxlb.cfg"

"${NB[@]}" server tcp:$TCP_ECHO ws:$WS_ECHO > "$work/server.log" 2>&1 & pids+=($!)
redis-server --port $REDIS --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning > "$work/redis.log" 2>&1 & pids+=($!)
"$HAPROXY" -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pids+=($!); hap_pid=$!
java ${VXLB_JAVA_OPTS:--Xms256m -Xmx1g} -jar target/vxlb.jar -q -f "$work/vxlb.cfg" > "$work/vxlb.log" 2>&1 & pids+=($!); vx_pid=$!

wait_port() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
for p in $TCP_ECHO $WS_ECHO $REDIS $H_TCP $H_WS $H_REDIS $V_TCP $V_WS $V_REDIS; do wait_port $p; done

HZ=$(getconf CLK_TCK)
cpu_ticks() { [ -n "$1" ] && awk '{print $14+$15}' /proc/$1/stat || echo 0; }
declare -A PORT PID
PORT[direct.tcp]=$TCP_ECHO; PORT[direct.ws]=$WS_ECHO; PORT[direct.redis]=$REDIS; PID[direct]=""
PORT[haproxy.tcp]=$H_TCP;   PORT[haproxy.ws]=$H_WS;   PORT[haproxy.redis]=$H_REDIS; PID[haproxy]=$hap_pid
PORT[vxlb.tcp]=$V_TCP;      PORT[vxlb.ws]=$V_WS;      PORT[vxlb.redis]=$V_REDIS;   PID[vxlb]=$vx_pid

redis_run() { # port n -> "ping_inline ping_mbulk set get" req/s
  redis-benchmark -h 127.0.0.1 -p $1 -t ping,set,get -n $2 -c 50 -q 2>&1 | tr '\r' '\n' | awk '/requests per second/ { printf "%s ", $2 }'
}

echo "warm-up (vxlb JIT; HAProxy briefly)"
"${NB[@]}" bulk tcp $V_TCP $BULK_CONNS 4 >/dev/null
"${NB[@]}" bulk ws $V_WS $BULK_CONNS 4 >/dev/null
"${NB[@]}" pingpong tcp $V_TCP 50 2 32 >/dev/null
"${NB[@]}" pingpong ws $V_WS 50 2 32 >/dev/null
redis_run $V_REDIS 30000 >/dev/null
"${NB[@]}" bulk tcp $H_TCP $BULK_CONNS 1 >/dev/null
redis_run $H_REDIS 10000 >/dev/null

declare -A SUM CNT CPU
declare -A VAL
ROUND=0
add() { SUM[$1]=$(awk -v a=${SUM[$1]:-0} -v b=$2 'BEGIN{print a+b}'); CNT[$1]=$(( ${CNT[$1]:-0} + 1 )); VAL[$1.$ROUND]=$2; }
addcpu() { CPU[$1]=$(awk -v a=${CPU[$1]:-0} -v b=$2 'BEGIN{print a+b}'); }
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k=$2 '$1 == k { print $2 }'; }

bulk() { # target kind
  local t=$1 kind=$2 pid=${PID[$1]} c0 c1 out
  c0=$(cpu_ticks "$pid")
  out=$("${NB[@]}" bulk $kind ${PORT[$t.$kind]} $BULK_CONNS $DUR)
  c1=$(cpu_ticks "$pid")
  local mibs bytes cpu="-"; mibs=$(field "$out" MiB/s); bytes=$(field "$out" total_bytes)
  [ -n "$pid" ] && cpu=$(awk -v t=$((c1 - c0)) -v hz=$HZ -v b=$bytes 'BEGIN { printf "%.2f", t / hz / (b / 2^30) }')
  printf "  %-8s %-4s bulk      %8s MiB/s   proxy CPU %5s s/GiB\n" $t $kind $mibs "$cpu"
  add $t.$kind.bulk $mibs; [ "$cpu" = - ] || addcpu $t.$kind.bulk $cpu
}
pingpong() { # target kind
  local t=$1 kind=$2 pid=${PID[$1]} c0 c1 out
  c0=$(cpu_ticks "$pid")
  out=$("${NB[@]}" pingpong $kind ${PORT[$t.$kind]} 50 $DUR 32)
  c1=$(cpu_ticks "$pid")
  local rts p50 p99 total cpu="-"
  rts=$(field "$out" rt/s); p50=$(field "$out" p50_us); p99=$(field "$out" p99_us); total=$(field "$out" total_rt)
  [ -n "$pid" ] && cpu=$(awk -v t=$((c1 - c0)) -v hz=$HZ -v n=$total 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')
  printf "  %-8s %-4s pingpong  %8s rt/s    p50 %5s us  p99 %6s us   proxy CPU %5s us/rt\n" $t $kind $rts $p50 $p99 "$cpu"
  add $t.$kind.pingpong $rts; [ "$cpu" = - ] || addcpu $t.$kind.pingpong $cpu
}
redis() { # target
  local t=$1 pid=${PID[$1]} c0 c1 out
  c0=$(cpu_ticks "$pid")
  out=$(redis_run ${PORT[$t.redis]} $REDIS_N)
  c1=$(cpu_ticks "$pid")
  local ping pingb set get mean cpu="-"
  read -r ping pingb set get <<< "$out"
  mean=$(awk -v a=$ping -v b=$pingb -v c=$set -v d=$get 'BEGIN { printf "%.0f", (a + b + c + d) / 4 }')
  [ -n "$pid" ] && cpu=$(awk -v t=$((c1 - c0)) -v hz=$HZ -v n=$((4 * REDIS_N)) 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')
  printf "  %-8s redis     PING_INLINE %7s  PING_MBULK %7s  SET %7s  GET %7s req/s  (mean %s)   proxy CPU %5s us/req\n" $t $ping $pingb $set $get $mean "$cpu"
  add $t.redis $mean; [ "$cpu" = - ] || addcpu $t.redis $cpu
}

echo "tcp.sh: $(nproc) CPUs; proxies nbthread $THREADS; $DUR s per test; $ROUNDS rounds; bulk $BULK_CONNS connections; redis -n $REDIS_N -c 50; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  ROUND=$r
  echo "round $r"
  for t in direct haproxy vxlb; do bulk $t tcp; done
  for t in direct haproxy vxlb; do bulk $t ws; done
  for t in direct haproxy vxlb; do pingpong $t tcp; done
  for t in direct haproxy vxlb; do pingpong $t ws; done
  for t in direct haproxy vxlb; do redis $t; done
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews throughput; CPU per unit of work much less)"
mean() { awk -v s=${SUM[$1]} -v n=${CNT[$1]} 'BEGIN { printf "%.1f", s / n }'; }
cpumean() { [ -n "${CPU[$1]:-}" ] && awk -v s=${CPU[$1]} -v n=${CNT[$1]} 'BEGIN { printf "%.2f", s / n }' || echo -; }
ratio() { awk -v a=$1 -v b=$2 'BEGIN { printf "%.2f", a / b }'; }
# vxlb/haproxy of the runs next to each other in time, one per round; the median resists load drifts
median_ratio() { for r in $(seq 1 "$ROUNDS"); do ratio ${VAL[vxlb.$1.$r]} ${VAL[haproxy.$1.$r]}; echo; done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
per_round() { for r in $(seq 1 "$ROUNDS"); do ratio ${VAL[vxlb.$1.$r]} ${VAL[haproxy.$1.$r]}; echo -n " "; done; }
echo
echo "means over $ROUNDS rounds                 direct     haproxy        vxlb   vxlb/haproxy  vxlb/direct  haproxy/direct   CPU haproxy  CPU vxlb  (vxlb/haproxy)"
echo "  (vxlb/haproxy ratio of the means; per-round ratios and their median below)"
for k in tcp.bulk ws.bulk tcp.pingpong ws.pingpong redis; do
  d=$(mean direct.$k); h=$(mean haproxy.$k); v=$(mean vxlb.$k); hc=$(cpumean haproxy.$k); vc=$(cpumean vxlb.$k)
  unit=MiB/s; cu=s/GiB
  case $k in *pingpong) unit=rt/s; cu=us/rt ;; redis) unit=req/s; cu=us/req ;; esac
  printf "  %-12s %-7s %12s %11s %11s %12sx %11sx %14sx %10s %9s %s  (%sx)\n" $k $unit $d $h $v $(ratio $v $h) $(ratio $v $d) $(ratio $h $d) $hc $vc $cu $(ratio $vc $hc)
done
echo
echo "vxlb/haproxy throughput per round (median)"
for k in tcp.bulk ws.bulk tcp.pingpong ws.pingpong redis; do
  printf "  %-12s %s (median %sx)\n" $k "$(per_round $k)" $(median_ratio $k)
done
