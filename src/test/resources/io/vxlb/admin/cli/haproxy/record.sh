#!/usr/bin/env bash
# Re-records HAProxy 2.6.12's runtime API answers for CliParityIT: runs cli.cfg under
# /usr/sbin/haproxy, sends each line of commands.txt on its own connection to the unix
# socket (socat) and writes the answer to NN.out (NN: the command's line number among
# commands). Run from anywhere: src/test/resources/io/vxlb/admin/cli/haproxy/record.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'kill $(cat "$tmp/pids" 2>/dev/null) 2>/dev/null || true; rm -rf "$tmp"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FE=$(port); ST=$(port); S1=$(port); S2=$(port); S3=$(port); TCP=$(port)
printf 'a.example be_a\nb.example be_b\n' > "$tmp/hosts.map"
sed -e "s#@DIR@#$tmp#g" -e "s/@FE@/$FE/; s/@ST@/$ST/; s/@S1@/$S1/; s/@S2@/$S2/; s/@S3@/$S3/; s/@TCP@/$TCP/" "$here/cli.cfg" > "$tmp/h.cfg"
/usr/sbin/haproxy -f "$tmp/h.cfg" -db > "$tmp/haproxy.log" 2>&1 & echo $! >> "$tmp/pids"
for i in $(seq 50); do [ -S "$tmp/cli.sock" ] && break; sleep 0.1; done
sleep 2  # s3 is DOWN after 3 failed checks (inter 300ms)
rm -f "$here"/*.out
n=0
grep -v '^#' "$here/commands.txt" | while IFS= read -r cmd; do
  n=$((n + 1))
  printf "%b\n" "${cmd//@DIR@/$tmp}" | socat -t 2 - "UNIX-CONNECT:$tmp/cli.sock" | sed "s#$tmp#@DIR@#g" > "$here/$(printf %02d $n).out"
done
# the operator-level TCP socket: what it may not do
printf 'set server be/s1 state drain\n' | socat -t 2 - "TCP:127.0.0.1:$TCP" > "$here/operator-set-server.out"
printf 'show map\n' | socat -t 2 - "TCP:127.0.0.1:$TCP" | sed "s#$tmp#@DIR@#g" > "$here/operator-show-map.out"
printf 'clear counters all\n' | socat -t 2 - "TCP:127.0.0.1:$TCP" > "$here/operator-clear-all.out"
printf 'clear counters\n' | socat -t 2 - "TCP:127.0.0.1:$TCP" > "$here/operator-clear.out"
# interactive mode: prompt, two commands separated by ';', quit
printf 'prompt\nshow backend;show backend\nquit\n' | socat -t 2 - "UNIX-CONNECT:$tmp/cli.sock" > "$here/prompt.out"
# the stats page: its CSV (same as show stat) and the classes of its HTML rows
curl -s -u admin:secret "http://127.0.0.1:$ST/stats;csv" > "$here/page.csv"
curl -s -u admin:secret "http://127.0.0.1:$ST/stats" | grep -o '<tr class="[a-z_]*"' > "$here/page-rows.txt"
curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$ST/stats" > "$here/page-noauth.txt"
/usr/sbin/haproxy -vv | head -1 > "$here/VERSION"
echo "recorded $(ls "$here"/*.out | wc -l) answers from $(cat "$here/VERSION")"
