#!/usr/bin/env python3
"""Selects HAProxy 2.6.12's reg-tests as scripts/run-regtests.sh does, runs them with
varnishtest against vxlb (through haproxy-shim.py) or against Debian's haproxy, and prints
one table per directory: passed / failed / excluded, with a reason for each test that did not
pass. Results also go to work/results.tsv (test, result, reason) for comparisons.
"""
import argparse
import collections
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.path.dirname(HERE)
REPO = os.path.dirname(KIT)
WORK = os.environ.get("WORK") or os.path.join(KIT, "work")
SRC = os.path.join(WORK, "src")
ROOT = os.path.join(WORK, "root")
REF_HAPROXY = os.path.join(ROOT, "usr", "sbin", "haproxy")
VTEST = os.path.join(ROOT, "usr", "bin", "varnishtest")
LIBS = os.path.join(ROOT, "usr", "lib", "x86_64-linux-gnu")


def ref_env():
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = LIBS + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env


def version_key(v):
    """run-regtests.sh's _version(): up to 4 numeric components, leading digits of each."""
    parts = v.split(".")[:4] + ["0"] * 4
    nums = []
    for p in parts[:4]:
        m = re.match(r"\d*", p)
        nums.append(int(m.group(0) or 0))
    return nums


def reference_build():
    out = subprocess.run([REF_HAPROXY, "-vv"], capture_output=True, text=True, env=ref_env()).stdout
    version = target = features = services = ""
    for line in out.splitlines():
        if re.match(r"HA-?Proxy version", line):
            version = line.split()[2]
        elif re.match(r"\s*TARGET\s*=", line):
            target = line.split("=", 1)[1].strip()
        elif line.startswith("Feature"):
            features = line.split(":", 1)[1].strip()
        elif line.startswith("Available services"):
            services = line.split(":", 1)[1].strip()
    return version, target, set(features.split()), set(services.split())


def select_tests():
    """The tests run-regtests.sh would run with the reference build, and those it skips (with why)."""
    version, target, features, services = reference_build()
    types = os.environ.get("REGTESTS_TYPES", "default,bug,devel,slow").split(",")
    selected, skipped = [], {}
    for path in sorted(glob.glob(os.path.join(SRC, "reg-tests", "**", "*.vtc"), recursive=True)):
        rel = os.path.relpath(path, SRC)
        meta = collections.defaultdict(str)
        with open(path, errors="replace") as f:
            for line in f:
                m = re.match(r"^#([0-9A-Z_]*)=(.*)$", line.rstrip("\n"))
                if m:
                    meta[m.group(1)] = m.group(2)
        why = None
        rtype = meta["REGTEST_TYPE"] or "default"
        opts = [o for o in meta["REQUIRE_OPTIONS"].split(",") + [meta["REQUIRE_OPTION"].rsplit(",", 1)[0]] if o]
        svcs = [s for s in meta["REQUIRE_SERVICES"].split(",") + [meta["REQUIRE_SERVICE"].rsplit(",", 1)[0]] if s]
        excl = [t for t in meta["EXCLUDE_TARGETS"].split(",") + [meta["EXCLUDE_TARGET"].rsplit(",", 1)[0]] if t]
        if "any" not in types and rtype not in types:
            why = "type '%s' is excluded by run-regtests.sh" % rtype
        elif meta["REQUIRE_VERSION"] and version_key(version) < version_key(meta["REQUIRE_VERSION"]):
            why = "needs HAProxy >= " + meta["REQUIRE_VERSION"]
        elif meta["REQUIRE_VERSION_BELOW"] and version_key(version) >= version_key(meta["REQUIRE_VERSION_BELOW"]):
            why = "needs HAProxy < " + meta["REQUIRE_VERSION_BELOW"]
        elif target in excl:
            why = "excluded on target " + target
        else:
            for o in opts:
                if not any("+" + alt in features for alt in o.split("|")):
                    why = "Debian's build lacks " + o
            for s in svcs:
                if not any(alt in services for alt in s.split("|")):
                    why = "Debian's build lacks service " + s
        if why:
            skipped[rel] = why
        else:
            selected.append(rel)
    return version, selected, skipped


def read_excluded():
    excluded = {}
    with open(os.path.join(KIT, "excluded.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            test, _, reason = line.partition(" ")
            excluded[test] = reason.strip()
    return excluded


ALERT_RE = re.compile(r"\[ALERT\][^\n]*")


def conf_check_reason(log):
    """For a failed '-conf-OK' / '-conf-BAD' step: what vxlb said, or None."""
    step, mode, alerts = None, None, []
    for line in log.splitlines():
        m = re.match(r"\*\*\s+top\s+=== haproxy (h\w*) (-conf-OK|-conf-BAD)", line)
        if m:
            step, mode, alerts = m.group(1), m.group(2), []
            continue
        a = ALERT_RE.search(line)
        if a and step and "Fatal errors found" not in a.group(0):
            alerts.append(re.sub(r"\S*/vtc\.[^/\s]+/h\w*/cfg(\.vxlb)?", "cfg", a.group(0)[len("[ALERT] "):]))
        if line.startswith("---- "):
            actor = line.split()[1]
            if step and actor == step:
                if mode == "-conf-OK":
                    return "-conf-OK %s: vxlb refused a valid configuration: %s" % (step, alerts[0] if alerts else "(no message)")
                return "-conf-BAD %s: vxlb accepted, or reported otherwise, a configuration haproxy refuses" % step
            return None
    return None


def failure_reason(log):
    """One line: the first configuration error vxlb printed, else the first VTest failure."""
    conf = conf_check_reason(log)
    if conf:
        return conf
    for line in log.splitlines():
        m = ALERT_RE.search(line)
        if m and "Fatal errors found" not in m.group(0) and "cannot start" not in m.group(0):
            text = m.group(0)
            text = re.sub(r"\S*/vtc\.[^/\s]+/h\d+/cfg(\.vxlb)?", "cfg", text)
            return "refused: " + text[len("[ALERT] "):]
        if m and "cannot start" in m.group(0):
            return "start: " + m.group(0)[len("[ALERT] "):]
    last_step = ""
    last_send = ""
    for line in log.splitlines():
        m = re.match(r"\*\*\s+(\S+)\s+=== (.*)", line)
        if m:
            last_step = m.group(1)
            if m.group(1).startswith("h") and m.group(2).startswith("send "):
                last_send = m.group(2)[5:].strip().strip('"')
        if line.startswith("---- "):
            if last_step.startswith("h") and (last_send or "CLI" in line):
                return "runtime CLI: the answer to '" + (last_send[:50] or "connect") + "' differs"
            text = re.sub(r"\s+", " ", line[5:]).strip()
            return "mismatch: " + text
    if "TEST TIMED OUT" in log or "timeout" in log.lower():
        return "timed out"
    return "failed (see log)"


def end_session(sid):
    """SIGKILLs every process left in session <sid> (the haproxy/vxlb instances and relays of one test)."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid:  # field 6 of stat: the session id
                os.kill(int(d), 9)
        except (OSError, ValueError, IndexError):
            continue


def run_tests(tests, mode, jobs, timeout, logdir):
    env = ref_env()
    if mode == "vxlb":
        env["HAPROXY_PROGRAM"] = os.path.join(HERE, "haproxy-shim.py")
        env.setdefault("VXLB_JAR", os.path.join(REPO, "target", "vxlb.jar"))
    else:
        env["HAPROXY_PROGRAM"] = REF_HAPROXY
    env.pop("HAPROXY_ARGS", None)
    results = {}
    os.makedirs(logdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="vxlb-regtests-", dir=os.environ.get("TMPDIR", "/tmp"))
    env["TMPDIR"] = tmp
    # varnishtest, one process per test so that each log is the test's own; JOBS at a time
    procs = {}
    pending = list(tests)
    while pending or procs:
        while pending and len(procs) < jobs:
            t = pending.pop(0)
            log = open(os.path.join(logdir, t.replace("/", "__") + ".log"), "w")
            # a session of its own: when a test times out VTest does not stop its haproxy
            # instances, so whatever is left in the session is ended once VTest has exited
            p = subprocess.Popen([VTEST, "-b", str(2 << 20), "-t", str(timeout), "-v", t],
                                 cwd=SRC, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            procs[p] = (t, log, time.monotonic())
        time.sleep(0.05)
        for p in list(procs):
            if p.poll() is None:
                continue
            t, log, t0 = procs.pop(p)
            end_session(p.pid)
            log.close()
            with open(log.name, errors="replace") as f:
                text = f.read()
            m = re.search(r"#\s+top\s+TEST \S+ (passed|FAILED|skipped)", text)
            status = {"passed": "pass", "FAILED": "fail", "skipped": "skip"}.get(m.group(1) if m else "", "fail")
            reason = ""
            if status == "fail":
                reason = failure_reason(text)
            elif status == "skip":
                m2 = re.search(r"SKIPPING test, lacking: (.*)", text)
                reason = "skipped by vtest: lacking " + (m2.group(1).strip() if m2 else "a feature")
                status = "fail"  # a test that did not run did not pass
            results[t] = (status, reason, time.monotonic() - t0)
            sys.stderr.write("%-4s %-60s %s\n" % (status, t, reason[:100]))
    shutil.rmtree(tmp, ignore_errors=True)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--haproxy", action="store_true", help="run against Debian's haproxy 2.6.12 instead of vxlb")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-t", "--timeout", type=int, default=20, help="seconds per test (run-regtests.sh: 10; vxlb's JVM starts slower)")
    ap.add_argument("--list", help="file of tests to run (one reg-tests/... path per line) instead of all")
    ap.add_argument("--results", default=None, help="where to write the TSV (default work/results-MODE.tsv)")
    ap.add_argument("tests", nargs="*", help="reg-tests/DIR or reg-tests/DIR/TEST.vtc to run only those")
    args = ap.parse_args()

    mode = "haproxy" if args.haproxy else "vxlb"
    version, selected, not_selected = select_tests()
    excluded = read_excluded() if mode == "vxlb" else {}
    wanted = selected
    if args.list:
        with open(args.list) as f:
            names = [l.split()[0] for l in f if l.strip() and not l.startswith("#")]
        wanted = [t for t in selected if t in names]
    if args.tests:
        wanted = [t for t in wanted if any(t == a or t.startswith(a.rstrip("/") + "/") for a in args.tests)]
    to_run = [t for t in wanted if t not in excluded]
    print("HAProxy %s reg-tests (Debian source package %s): %d selected by run-regtests.sh's rules, %d not selected"
          % (version, open(os.path.join(SRC, ".debian-version")).read().strip(), len(selected), len(not_selected)))
    print("running %d against %s, %d excluded (compat/excluded.txt), %d at a time" % (len(to_run), mode, len([t for t in wanted if t in excluded]), args.jobs))
    sys.stdout.flush()
    t0 = time.monotonic()
    results = run_tests(to_run, mode, args.jobs, args.timeout, os.path.join(WORK, "logs-" + mode))
    elapsed = time.monotonic() - t0
    for t in wanted:
        if t in excluded:
            results[t] = ("excl", excluded[t], 0.0)

    by_dir = collections.OrderedDict()
    for t in sorted(results):
        by_dir.setdefault(os.path.dirname(t), []).append(t)
    totals = collections.Counter()
    for d, tests in by_dir.items():
        c = collections.Counter(results[t][0] for t in tests)
        totals.update(c)
        print()
        print("%s: %d passed, %d failed, %d excluded" % (d, c["pass"], c["fail"], c["excl"]))
        for t in tests:
            status, reason, secs = results[t]
            label = {"pass": "pass", "fail": "FAIL", "excl": "excl"}[status]
            print("  %-4s %-52s %s" % (label, os.path.basename(t), reason))
    print()
    print("%-28s %6s %6s %8s" % ("directory", "pass", "fail", "excluded"))
    for d, tests in by_dir.items():
        c = collections.Counter(results[t][0] for t in tests)
        print("%-28s %6d %6d %8d" % (d, c["pass"], c["fail"], c["excl"]))
    print("%-28s %6d %6d %8d" % ("total", totals["pass"], totals["fail"], totals["excl"]))
    print("%d passed, %d failed, %d excluded of %d; %.0f s" % (totals["pass"], totals["fail"], totals["excl"], len(results), elapsed))
    out = args.results or os.path.join(WORK, "results-%s.tsv" % mode)
    with open(out, "w") as f:
        for t in sorted(results):
            status, reason, secs = results[t]
            f.write("%s\t%s\t%.1f\t%s\n" % (t, status, secs, reason))
    # causes, most frequent first
    causes = collections.Counter()
    for t, (status, reason, _) in results.items():
        if status == "fail":
            causes[cause_key(reason)] += 1
    if causes:
        print()
        print("failure causes (most frequent first):")
        for k, n in causes.most_common(40):
            print("  %3d  %s" % (n, k))
    return 0 if totals["fail"] == 0 else 1


def cause_key(reason):
    """Groups reasons: the keyword vxlb refused, or the kind of mismatch."""
    if reason.startswith("-conf-BAD"):
        return "-conf-BAD: vxlb accepts a configuration haproxy refuses (or words the error otherwise)"
    if reason.startswith("-conf-OK"):
        return cause_key("refused: " + reason.split(": ", 2)[2]) + " (in a -conf-OK check)"
    if reason.startswith("runtime CLI"):
        return "runtime CLI: an answer differs (a command vxlb lacks)"
    m = re.match(r"refused: \S+ : \[[^\]]*\] '([^']+)': (?:(bind|server) option '([^']+)'|UNIX socket|unknown 'option' keyword '([^']+)')?", reason)
    if m:
        if m.group(3):
            return "refused '%s ... %s'" % (m.group(2), m.group(3))
        if m.group(4):
            return "refused 'option %s'" % m.group(4)
        return "refused '%s'" % m.group(1)
    m = re.match(r"refused: .*?(unknown (?:keyword|converter|fetch|sample fetch)[^:,(]*'[^']+')", reason)
    if m:
        return "refused: " + m.group(1)
    if reason.startswith("refused: "):
        return "refused: " + re.sub(r"^\S+ : ", "", reason[9:])[:70]
    if reason.startswith("mismatch: "):
        return "mismatch: " + re.sub(r"\d+", "N", reason[10:])[:60]
    return reason[:70]


if __name__ == "__main__":
    sys.exit(main())
