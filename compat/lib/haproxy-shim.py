#!/usr/bin/env python3
"""Stands in for the haproxy binary that VTest (varnishtest) starts, and runs vxlb instead.

VTest starts   exec $HAPROXY_PROGRAM -d|-c|-D [-W] ARGS -f CFG [-p PIDFILE]   and talks to it
through sockets it created itself. What vxlb cannot do yet, this shim does:

* ``fd@${NAME}`` listeners: VTest binds 127.0.0.1:0, leaves the listening socket open in the
  child and puts its number in the environment variable NAME. vxlb cannot adopt an inherited
  socket yet, so the shim rewrites the address to a fresh loopback port, accepts on the
  inherited socket itself and relays each connection to vxlb's port (bytes both ways,
  half-closes kept).
* ``unix@PATH`` / ``abns@NAME`` / ``/PATH`` addresses in ``bind`` and ``server`` lines: each
  name gets one loopback port (shared by every haproxy of a test through a file in the test's
  temporary directory); a ``bind`` also gets a relay from the real socket to that port, so
  clients connecting to the socket path reach vxlb.
* ``stats socket fd@N`` (VTest's CLI socket): relayed the same way to a loopback port, the
  line rewritten to it (vxlb serves the runtime API there); unix socket paths are vxlb's own.
* HAProxy flags vxlb does not know (``-dM``, ``-dS``, ...) are dropped; ``-d``, ``-db``, ``-W``,
  ``-p``, ``-c``, ``-cc``, ``-f``, ``-q`` go to vxlb unchanged.

Nothing else in the configuration is touched: what vxlb refuses is what the table reports.
The shim then execs vxlb, so that vxlb is the process VTest started (its pid, signals and
exit status); the relays run in a child process that stops when vxlb has exited.
"""
import fcntl
import os
import re
import signal
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VXLB_JAR = os.environ.get("VXLB_JAR") or os.path.join(HERE, "..", "..", "target", "vxlb.jar")
JAVA = os.environ.get("JAVA", "java")
JVM_OPTS = os.environ.get("VXLB_JVM_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -XX:CICompilerCount=1").split()
# flags that vxlb takes as haproxy does (the ones with a value take the next word)
PASS_FLAGS = {"-d", "-db", "-W", "-c", "-q", "-V", "-vv", "-v"}
PASS_WITH_VALUE = {"-f", "-p", "-cc"}


def _ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


EPHEMERAL = _ephemeral_range()


def free_port():
    """A loopback port for vxlb to bind, outside the kernel's ephemeral range: so that no other
    socket's automatic port can take it before vxlb binds it, and so that the relay's retried
    connect() can never be a TCP self-connection (source port == destination port)."""
    import random
    for _ in range(200):
        port = random.randint(20000, EPHEMERAL[0] - 1) if EPHEMERAL[0] > 21000 else random.randint(EPHEMERAL[1] + 1, 65000)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free loopback port outside the ephemeral range")


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


VXLB_GONE = threading.Event()
LINGER_SECONDS = 25


def relay_one(client, port):
    deadline = time.monotonic() + 15
    upstream = None
    while upstream is None:
        try:
            upstream = socket.create_connection(("127.0.0.1", port))
            if upstream.getsockname() == upstream.getpeername():  # a self-connection: nobody listens yet
                upstream.close()
                upstream = None
                raise OSError("self-connect")
        except OSError:
            if time.monotonic() > deadline or VXLB_GONE.is_set():
                client.close()
                return
            time.sleep(0.02)
    for s in (client, upstream):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1) if s.family != socket.AF_UNIX else None
    t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    t.start()
    pump(client, upstream)
    t.join()
    client.close()
    upstream.close()


def relay(listener, port):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=relay_one, args=(client, port), daemon=True).start()


def refuse(listener):
    """Accepts and closes at once (used once vxlb has exited)."""
    while True:
        try:
            c, _ = listener.accept()
        except OSError:
            return
        c.close()


def unix_ports(tmpdir):
    """name -> port, shared by every haproxy of one test through a file under the test's tmpdir."""
    path = os.path.join(tmpdir, ".vxlb-unix-ports")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    with os.fdopen(os.dup(fd), "r") as f:
        table = dict(line.rstrip("\n").split("\t", 1)[::-1] for line in f if "\t" in line)
    return fd, path, {k: int(v) for k, v in table.items()}


def rewrite(cfg_text, tmpdir, relays):
    """Returns the configuration with fd@/unix@/abns@ addresses turned into loopback ports."""
    out = []
    lock_fd, table_path, ports = unix_ports(tmpdir)
    added = {}

    def port_for(name):
        if name not in ports:
            ports[name] = added[name] = free_port()
        return ports[name]

    try:
        for line in cfg_text.split("\n"):
            words = line.split()
            kw = words[0] if words else ""
            if kw in ("bind", "server", "stats", "default-server", "peer", "log") or kw.startswith("tcp-check") or "fd@" in line:
                line = rewrite_line(line, kw, port_for, relays)
            out.append(line)
        if added:
            with open(table_path, "a") as f:
                for name, port in added.items():
                    f.write("%d\t%s\n" % (port, name))
    finally:
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        os.close(lock_fd)
    return "\n".join(out)


ADDR_RE = re.compile(r'"?(fd@\$\{(\w+)\}|fd@(\d+)|unix@([^\s"]+)|abns@([^\s"]+)|(?<=[\s"])(/[^\s"]+\.sock\b[^\s"]*))"?')


def rewrite_line(line, kw, port_for, relays):
    if kw == "log":
        return line  # syslog to a unix socket: left for vxlb to report

    def sub(m):
        if m.group(2) or m.group(3):
            if m.group(2):
                value = os.environ.get(m.group(2))
                if value is None or not value.isdigit():
                    return m.group(0)
                fd = int(value)
            else:
                fd = int(m.group(3))
            try:
                listener = socket.socket(fileno=fd)
                listener.getsockname()
            except OSError:
                return m.group(0)
            port = free_port()
            relays.append((listener, port))
            return "127.0.0.1:%d" % port
        name = m.group(4) or ("\0" + m.group(5) if m.group(5) else None) or m.group(6)
        port = port_for(name)
        if kw == "bind":
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                if not name.startswith("\0") and os.path.exists(name):
                    os.unlink(name)
                s.bind(name)
                s.listen(128)
                relays.append((s, port))
            except OSError:
                pass
        return "127.0.0.1:%d" % port

    if kw == "stats":
        if "socket" not in line:
            return line
        # the runtime CLI on VTest's inherited socket (fd@N): relayed to a loopback port vxlb
        # listens on, as a bind; unix socket paths are vxlb's own (it listens on them itself)
        return ADDR_RE.sub(lambda m: sub(m) if (m.group(2) or m.group(3)) else m.group(0), line)
    return ADDR_RE.sub(sub, line)


def main(argv):
    args = []
    cfgs = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in PASS_WITH_VALUE and i + 1 < len(argv):
            if a == "-f":
                cfgs.append(len(args) + 1)
            args += [a, argv[i + 1]]
            i += 2
            continue
        if a in PASS_FLAGS:
            args.append(a)
        elif a == "-D":
            args.append("-d")  # daemon mode: vxlb stays in the foreground (VTest then waits on the pid file)
        # anything else (-dM, -dS, -dG, -dV, -dW, -dr, -sf PID, -x SOCK ...) is dropped
        elif a in ("-sf", "-st", "-x", "-L", "-n", "-N", "-m"):
            i += 1
        i += 1
    relays = []
    for idx in cfgs:
        path = args[idx]
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        tmpdir = os.path.dirname(os.path.dirname(os.path.abspath(path)))
        new = rewrite(text, tmpdir, relays)
        if new != text:
            # same last two path parts as VTest's (INSTANCE/cfg): tests match file names in
            # logs and CLI output (last_rule_file, "parsing [.../h1/cfg:12]")
            shim_dir = os.path.join(tmpdir, ".vxlb", os.path.basename(os.path.dirname(os.path.abspath(path))))
            os.makedirs(shim_dir, exist_ok=True)
            shim_cfg = os.path.join(shim_dir, os.path.basename(path))
            with open(shim_cfg, "w") as f:
                f.write(new)
            args[idx] = shim_cfg
    cmd = [JAVA] + JVM_OPTS + ["-jar", VXLB_JAR] + args
    if not relays:
        os.execvp(cmd[0], cmd)
    # vxlb must run as the very process VTest started (VTest signals it, waits for its exit
    # status, compares its pid with the pid file and with the pid in its syslog lines), so the
    # shim becomes vxlb with exec, and the relays live on in a child process. The child learns
    # that vxlb has exited when the pipe vxlb inherited closes.
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # VTest reads haproxy's output until EOF: the relay must not hold it
            os.dup2(devnull, fd)
        for listener, port in relays:
            threading.Thread(target=relay if port else refuse, args=(listener, port) if port else (listener,), daemon=True).start()
        while os.read(r, 1):
            pass
        # vxlb is gone (stopped, or it refused its configuration). VTest still holds the
        # listening sockets, so its clients would wait for a reply until their timeout: close
        # each connection at once for a while, so such a test fails fast, then leave.
        VXLB_GONE.set()
        for listener, port in relays:
            if port:
                threading.Thread(target=refuse, args=(listener,), daemon=True).start()
        time.sleep(LINGER_SECONDS)
        os._exit(0)
    os.close(r)
    os.set_inheritable(w, True)
    for listener, _ in relays:
        listener.close()  # the relay child holds them; vxlb never accepts on them
    sys.stdout.flush()
    os.execvp(cmd[0], cmd)

if __name__ == "__main__":
    main(sys.argv[1:])
