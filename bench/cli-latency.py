#!/usr/bin/env python3
"""Latency of runtime API commands on a running vxlb (or haproxy): one connection per command,
as 'echo CMD | socat' does. Usage: bench/cli-latency.py /path/to/stats.sock ["show stat" ...]"""
import socket
import sys
import time


def cmd(path, c):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall((c + "\n").encode())
    s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
    s.close()
    return out


path = sys.argv[1]
for c in sys.argv[2:] or ["show stat", "show servers state", "show info"]:
    for _ in range(50):
        cmd(path, c)
    t = []
    for _ in range(300):
        t0 = time.perf_counter()
        cmd(path, c)
        t.append(time.perf_counter() - t0)
    t.sort()
    print(f"{c:30s} p50 {t[150] * 1e3:.2f} ms  p99 {t[297] * 1e3:.2f} ms  ({len(cmd(path, c))} bytes)")
