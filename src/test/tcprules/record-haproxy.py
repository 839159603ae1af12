#!/usr/bin/env python3
"""Records haproxy 2.6.12's answers for AfterResponseIT.

Runs haproxy on src/test/resources/tcprules/after-response.cfg with free loopback ports and a
backend that answers every request with the same bytes (BACKEND_RESPONSE, also in the test), sends
each after-response/*.req (to the plain bind) and *.pp (to the accept-proxy bind) and writes what
came back until the close to the same name with the extension .haproxy. Needs haproxy on the PATH.
Usage: python3 src/test/tcprules/record-haproxy.py
"""
import os, socket, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "resources", "tcprules")
CASES = os.path.join(RES, "after-response")
BACKEND_RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-drop: 1\r\nx-rewrite: abc-old\r\n\r\nok"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def backend(listener):
    while True:
        try:
            c, _ = listener.accept()
        except OSError:
            return
        with c:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
            c.sendall(BACKEND_RESPONSE)


def exchange(port, payload):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(payload)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return out


def main():
    ports = {"FE": free_port(), "FE_PP": free_port(), "BE": free_port()}
    cfg = open(os.path.join(RES, "after-response.cfg")).read()
    for k, v in ports.items():
        cfg = cfg.replace("${%s}" % k, str(v))
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", ports["BE"]))
    listener.listen(16)
    threading.Thread(target=backend, args=(listener,), daemon=True).start()
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write(cfg)
    proc = subprocess.Popen(["haproxy", "-db", "-f", f.name])
    try:
        time.sleep(1)
        for name in sorted(os.listdir(CASES)):
            base, ext = os.path.splitext(name)
            if ext not in (".req", ".pp"):
                continue
            payload = open(os.path.join(CASES, name), "rb").read()
            out = exchange(ports["FE_PP" if ext == ".pp" else "FE"], payload)
            open(os.path.join(CASES, base + ".haproxy"), "wb").write(out)
            print(name, out.split(b"\r\n", 1)[0].decode("latin-1") if out else "(closed)")
    finally:
        proc.terminate()
        proc.wait()
        listener.close()
        os.unlink(f.name)


if __name__ == "__main__":
    sys.exit(main())
