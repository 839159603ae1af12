#!/usr/bin/env python3
"""How real HAProxy (2.6.12 here) spreads the requests of BalanceIT.everyAlgorithmSharesByWeight
over three servers b1..b3 (weights 1/1/1 and 1/2/3) for the hash algorithms, where the result is
deterministic. Prints "name_eq|w b1 b2 b3" lines that BalanceIT pins.

    python3 src/test/golden/record_shares.py
"""
import http.client, socket, subprocess, tempfile, os, time

BASE = 18600
ALGOS = [
    ("src", "balance source"), ("srcc", "balance source\n    hash-type consistent"),
    ("uri", "balance uri"), ("uric", "balance uri\n    hash-type consistent"),
    ("param", "balance url_param uid"), ("paramc", "balance url_param uid\n    hash-type consistent"),
    ("hdr", "balance hdr(x-key)"), ("hdrc", "balance hdr(x-key)\n    hash-type consistent"),
    ("hash", "balance hash req.hdr(x-key)"), ("hashc", "balance hash req.hdr(x-key)\n    hash-type consistent"),
]
N = 600


def request(algo, i):
    """(path, headers, source address) of request i, as BalanceIT sends it."""
    if algo.startswith("uri"):
        return f"/item/{i}.html", {}, None
    if algo.startswith("param"):
        return f"/p?a=1&uid=user{i}", {}, None
    if algo.startswith("hdr") or algo.startswith("hash"):
        return "/", {"x-key": f"key-{i * 7919}"}, None
    return "/", {}, f"127.0.{i // 250}.{1 + i % 250}"


def main():
    lines = ["defaults", "    mode http", "    timeout connect 1s", "    timeout client 5s", "    timeout server 5s"]
    port = {}
    p = BASE + 10
    for algo, bal in ALGOS:
        for ws in ("eq", "w"):
            port[(algo, ws)] = p
            lines += [f"listen {algo}_{ws}", f"    bind 127.0.0.1:{p}", "    " + bal]
            for i in (1, 2, 3):
                lines.append(f"    server b{i} 127.0.0.1:{BASE + i} weight {1 if ws == 'eq' else i}")
            p += 1
    for i in (1, 2, 3):
        lines += [f"listen b{i}", f"    bind 127.0.0.1:{BASE + i}", f"    http-request return status 200 content-type text/plain string b{i}"]
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    proc = subprocess.Popen(["/usr/sbin/haproxy", "-f", f.name, "-db"])
    time.sleep(1)
    try:
        for algo, _ in ALGOS:
            for ws in ("eq", "w"):
                counts = {"b1": 0, "b2": 0, "b3": 0}
                for i in range(N):
                    path, headers, src = request(algo, i)
                    c = http.client.HTTPConnection("127.0.0.1", port[(algo, ws)], timeout=5, source_address=(src, 0) if src else None)
                    c.request("GET", path, headers=headers)
                    counts[c.getresponse().read().decode()] += 1
                    c.close()
                print(f"{algo}_{ws}", counts["b1"], counts["b2"], counts["b3"], flush=True)
    finally:
        proc.terminate()
        proc.wait()
        os.unlink(f.name)


if __name__ == "__main__":
    main()
