"""What bench/python.py and bench/ruby.py share: an interpreter built two ways (dynamic, with
this libdl; static, its extensions linked in), run on two hosts (jco: the reference host,
runtime dlopen; wasmtime: stock wasmtime, a link-time bundle), timed in interleaved rounds,
printed as dynamic/static ratios. Nothing here asserts a time.

A row is (name, args); a row named "hot loop" is timed inside the guest: its output carries
"HOT <nanoseconds per call>".
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLRUN = os.path.join(ROOT, "bin", "dlrun")
HOSTS = ("jco", "wasmtime")
KINDS = ("dynamic", "static")


def port(name, script, *args):
    """Runs ports/NAME/SCRIPT ARGS (a build, cached; or a link) and returns what it prints."""
    out = subprocess.run([os.path.join(ROOT, "ports", name, script), *args],
                         stdout=subprocess.PIPE, check=True, text=True)
    return out.stdout.strip()


def runner(host, mounts, app):
    """The command line running component `app` on `host` with `mounts` (HOST::GUEST dirs)."""
    cmd = [DLRUN] + (["--wasmtime"] if host == "wasmtime" else [])
    for m in mounts:
        cmd += ["--dir", m]
    return cmd + [app]


def timed(tool, cmd, cwd, env):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("%s: %s failed:\n%s" % (tool, " ".join(cmd), r.stderr[-2000:]))
    return elapsed, r.stdout


def measure(tool, apps, rows, warm, rounds, env=None):
    """{(host, row name): {kind: median seconds}}; apps: {(host, kind): command line}; warm:
    args of one untimed run per app first (the hosts' compile caches)."""
    def log(msg):
        print("%s: %s" % (tool, msg), file=sys.stderr, flush=True)

    env = dict(os.environ, **(env or {}))
    cwd = os.path.join(ROOT, "build", tool)
    os.makedirs(cwd, exist_ok=True)
    results = {}
    for host in HOSTS:
        for kind in KINDS:
            timed(tool, apps[(host, kind)] + warm, cwd, env)
        for name, args in rows:
            samples = {kind: [] for kind in KINDS}
            for _ in range(rounds):
                for kind in KINDS:
                    elapsed, out = timed(tool, apps[(host, kind)] + args, cwd, env)
                    if name == "hot loop":
                        elapsed = float(out.split("HOT ")[1]) * 1e-9
                    samples[kind].append(elapsed)
            results[(host, name)] = {k: statistics.median(v) for k, v in samples.items()}
            log("%s %s done" % (host, name))
    return results


def report(results, rounds, prefix=""):
    """Prints the table and, last, the summary line of ratios (PREFIX + row_host=ratio)."""
    print("median of %d interleaved rounds; jco = reference host (runtime dlopen), "
          "wasmtime = stock wasmtime (link-time bundle)" % rounds)
    print("%-26s %-9s %12s %12s %8s %8s" % ("measurement", "host", "dynamic", "static", "ratio", "target"))
    summary = []
    for (host, name), v in results.items():
        unit, scale = ("ns", 1e9) if name == "hot loop" else ("ms", 1e3)
        ratio = v["dynamic"] / v["static"]
        target = 1.05 if name == "hot loop" else (1.25 if host == "jco" else 1.1)
        print("%-26s %-9s %9.1f %s %9.1f %s %8.3f %8s" % (name, host, v["dynamic"] * scale, unit,
                                                         v["static"] * scale, unit, ratio, "<= %.2f" % target))
        summary.append("%s%s_%s=%.3f" % (prefix, name.replace(" ", "_"), "jco" if host == "jco" else "wt", ratio))
    print(" ".join(summary))
