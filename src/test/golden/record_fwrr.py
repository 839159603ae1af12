#!/usr/bin/env python3
"""Records which server real HAProxy (2.6.12 here: /usr/sbin/haproxy) picks for each request of a
scenario, with runtime changes sent to its stats socket between requests. Prints one line per
scenario: the sequence of server names, "|" where a command was sent. BalanceIT pins the output.

    python3 src/test/golden/record_fwrr.py
"""
import http.client, os, socket, subprocess, sys, tempfile, time

BASE = 18400
SOCK = "/tmp/vxlb-golden-fwrr.sock"

SCENARIOS = {
    # name: (servers [(name, weight)], steps: int = requests, str = stats socket command)
    "w321_s2_to_5": ([("s1", 3), ("s2", 2), ("s3", 1)], [30, "set weight be/s2 5", 30]),
    "w111_s1_to_3_s3_to_0": ([("s1", 1), ("s2", 1), ("s3", 1)], [7, "set weight be/s1 3", 20, "set weight be/s3 0", 10, "set weight be/s3 2", 20]),
    "w1234_s4_to_1_mid": ([("s1", 1), ("s2", 2), ("s3", 3), ("s4", 4)], [13, "set weight be/s4 1", 30]),
    "w321_s2_maint_ready": ([("s1", 3), ("s2", 2), ("s3", 1)], [7, "set server be/s2 state maint", 20, "set server be/s2 state ready", 30]),
    "w213_s3_alone_100": ([("s1", 2), ("s2", 1), ("s3", 3)], [5, "set server be/s1 state maint", "set server be/s2 state maint", 101, "set server be/s2 state ready", 7, "set server be/s1 state ready", 24]),
    "w111_s1_maint_alone_ready": ([("s1", 1), ("s2", 1), ("s3", 1)], [4, "set server be/s2 state maint", 3, "set server be/s3 state maint", 9, "set server be/s2 state ready", 5, "set server be/s3 state ready", 20]),
}


def config(servers):
    lines = ["global", f"    stats socket {SOCK} level admin", "",
             "defaults", "    mode http", "    timeout connect 1s", "    timeout client 5s", "    timeout server 5s", "",
             "frontend fe", f"    bind 127.0.0.1:{BASE}", "    default_backend be", "",
             "backend be", "    balance roundrobin"]
    for i, (name, w) in enumerate(servers):
        lines.append(f"    server {name} 127.0.0.1:{BASE + 1 + i} weight {w}")
    for i, (name, w) in enumerate(servers):
        lines += ["", f"listen {name}", f"    bind 127.0.0.1:{BASE + 1 + i}",
                  f"    http-request return status 200 content-type text/plain string {name}"]
    return "\n".join(lines) + "\n"


def command(cmd):
    s = socket.socket(socket.AF_UNIX)
    s.connect(SOCK)
    s.sendall((cmd + "\n").encode())
    out = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        out += b
    s.close()
    if out.strip():
        sys.exit(f"{cmd!r} answered {out!r}")


def run(servers, steps):
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write(config(servers))
    p = subprocess.Popen(["/usr/sbin/haproxy", "-f", f.name, "-db"])
    try:
        for _ in range(100):
            if os.path.exists(SOCK):
                try:
                    http.client.HTTPConnection("127.0.0.1", BASE, timeout=1).connect()
                    break
                except OSError:
                    pass
            time.sleep(0.05)
        out = []
        for step in steps:
            if isinstance(step, str):
                command(step)
                out.append("|")
                continue
            for _ in range(step):
                c = http.client.HTTPConnection("127.0.0.1", BASE, timeout=5)
                c.request("GET", "/")
                out.append(c.getresponse().read().decode())
                c.close()
        return out
    finally:
        p.terminate()
        p.wait()
        os.unlink(f.name)


if __name__ == "__main__":
    subprocess.run(["/usr/sbin/haproxy", "-v"], check=True)
    for name, (servers, steps) in SCENARIOS.items():
        print(name, " ".join(run(servers, steps)))
