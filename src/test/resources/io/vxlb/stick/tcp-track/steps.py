#!/usr/bin/env python3
"""The client side of tcp.cfg's scenario (re-record: sh record.sh). Prints what it sees.
vxlb's StickTcpTrackIT plays the same steps in Java and compares with haproxy-2.6.12.txt."""
import socket, sys, time

FE, TCP = int(sys.argv[1]), int(sys.argv[2])

def conn(src, port):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s

def request(s, path):
    s.sendall(("GET %s HTTP/1.1\r\nhost: x\r\n\r\n" % path).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        d = s.recv(4096)
        if not d:
            raise SystemExit("connection closed before a response head: " + repr(data))
        data += d
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    length = 0
    for h in lines[1:]:
        k, v = h.split(":", 1)
        if k.strip().lower() == "content-length":
            length = int(v)
    while len(body) < length:
        d = s.recv(4096)
        if not d:
            raise SystemExit("connection closed in a response body")
        body += d
    return "STATUS %s %s" % (lines[0].split(" ")[1], body.decode())

def closed(s):
    try:
        return "CLOSED" if s.recv(1) == b"" else "OPEN"
    except socket.timeout:
        return "OPEN"
    except ConnectionResetError:
        return "RESET"

print("STEP keep-alive connection, three requests")
a = conn("127.0.0.2", FE)
for p in ("/show", "/missing", "/show"):
    print(request(a, p).rstrip("\n"))
a.close()
time.sleep(0.3)
print("STEP second connection")
b = conn("127.0.0.2", FE)
print(request(b, "/show").rstrip("\n"))
b.close()
time.sleep(0.3)
print("STEP conn_cur limit")
c1 = conn("127.0.0.4", FE)
c2 = conn("127.0.0.4", FE)
time.sleep(0.2)  # connect() returns before the proxy has accepted: let it run c2's rules first
print(request(c1, "/show").rstrip("\n"))
try:
    c3 = conn("127.0.0.4", FE)
    c3.settimeout(2)
    state = closed(c3)
    c3.close()
except ConnectionResetError:  # the reset may come before connect() returns
    state = "RESET"
print("third connection", state)
print(request(c2, "/show").rstrip("\n"))
for s in (c1, c2):
    s.close()
time.sleep(0.3)
print("STEP mode tcp")
for i in range(2):
    t = conn("127.0.0.5", TCP)
    t.sendall(b"GET /tcp HTTP/1.0\r\n\r\n")
    data = b""
    while True:
        d = t.recv(4096)
        if not d:
            break
        data += d
    print("response", data.split(b" ")[1].decode())
    t.close()
time.sleep(0.5)
