#!/bin/sh
# Re-records HAProxy 2.6.12's answers to tcp.cfg + steps.py into haproxy-2.6.12.txt.
# Needs haproxy, socat, python3. Run from anywhere: sh record.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'kill $(cat "$tmp/be.pid") 2>/dev/null; kill $(cat "$tmp/h.pid") 2>/dev/null; rm -rf "$tmp"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
FE=$(port); TCP=$(port); BE=$(port)
# the server: 200 "ok", 404 for /missing
python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        code = 404 if self.path == "/missing" else 200
        body = b"ok\n"
        self.send_response(code); self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
' "$BE" & echo $! > "$tmp/be.pid"
{ printf 'global\n    stats socket %s/h.sock level admin\n' "$tmp"; sed -e "s/\${FE}/$FE/" -e "s/\${TCP}/$TCP/" -e "s/\${BE}/$BE/" "$here/tcp.cfg"; } > "$tmp/h.cfg"
haproxy -D -p "$tmp/h.pid" -f "$tmp/h.cfg"
sleep 1
out="$here/haproxy-2.6.12.txt"
{
  echo "# HAProxy $(haproxy -v | head -1 | cut -d' ' -f3) answers to tcp.cfg and steps.py (re-record: sh record.sh)"
  python3 "$here/steps.py" "$FE" "$TCP"
  for t in fe st tcp tst; do
    echo "TABLE $t"
    # the entry address and the remaining time vary: masked
    echo "show table $t" | socat - "UNIX-CONNECT:$tmp/h.sock" | grep -v '^$' | sed -e 's/^0x[0-9a-f]*:/0x:/' -e 's/ exp=[0-9]*/ exp=/' \
      | { IFS= read -r head; echo "$head"; LC_ALL=C sort; }
    echo "END"
  done
} > "$out"
echo "recorded $out"
