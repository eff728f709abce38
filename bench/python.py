#!/usr/bin/env python3
"""CPython with this libdl against CPython built the official way, same source, same host, same
run (bin/bench-python; bin/bench runs it first).

    python3 bench/python.py [--rounds N]

"dynamic" is ports/cpython/build: the standard library's extension modules are side modules
in lib-dynload, loaded by dlopen (the reference host, jco) or bundled into a link-time
component (ports/cpython/link-bundle, stock wasmtime). "static" is ports/cpython/build
--static: every module built into python.wasm, no dlopen, as CPython's WASI build does.

Rows, each the median of N interleaved rounds (dynamic, static, dynamic, ...), as a ratio
dynamic/static (smaller is better; targets in brackets):
  startup        `-c pass`, the whole process                 [jco <= 1.25, wasmtime <= 1.1]
  import all     `-c "import <every lib-dynload module>"`      [jco <= 1.25, wasmtime <= 1.1]
  hot loop       _json.encode_basestring_ascii in a timeit loop, per call   [<= 1.05]
The last line is a summary of the ratios. Nothing here asserts a time.
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLRUN = os.path.join(ROOT, "bin", "dlrun")
GUEST = "/usr/local"
HOT = ("import timeit, _json; n = 200000; "
       "t = min(timeit.repeat(\"f('hello world, this is ascii')\", "
       "setup='from _json import encode_basestring_ascii as f', number=n, repeat=3)); "
       "print('HOT %.3f' % (t / n * 1e9))")


def log(msg):
    print("bench-python: " + msg, file=sys.stderr, flush=True)


def build(*args):
    out = subprocess.run([os.path.join(ROOT, "ports", "cpython", "build"), *args],
                         stdout=subprocess.PIPE, check=True, text=True)
    return out.stdout.strip()


def runner(prefix, host, app):
    """The command line running `app` (a python.wasm) of install `prefix` on `host`."""
    cmd = [DLRUN] + (["--wasmtime"] if host == "wasmtime" else [])
    return cmd + ["--dir", prefix + "::" + GUEST, app]


def timed(cmd, cwd):
    env = dict(os.environ, PYTHONHOME=GUEST)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("bench-python: %s failed:\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    return elapsed, r.stdout


def main(argv):
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 5
    log("building (cached): dynamic and static CPython")
    dyn, stat = build(), build("--static")
    bundle = subprocess.run([os.path.join(ROOT, "ports", "cpython", "link-bundle"), dyn],
                            stdout=subprocess.PIPE, check=True, text=True).stdout.strip()
    dynload = os.path.join(dyn, "lib", "python3.13", "lib-dynload")
    mods = sorted({f.split(".")[0] for f in os.listdir(dynload) if f.endswith(".so")})
    # The static build has the same modules built in (the test modules aside).
    import_all = "import " + ", ".join(m for m in mods if not m.startswith(("_test", "xx")))
    apps = {
        ("jco", "dynamic"): runner(dyn, "jco", os.path.join(dyn, "bin", "python3.13.wasm")),
        ("jco", "static"): runner(stat, "jco", os.path.join(stat, "bin", "python3.13.wasm")),
        ("wasmtime", "dynamic"): runner(dyn, "wasmtime", bundle),
        ("wasmtime", "static"): runner(stat, "wasmtime", os.path.join(stat, "bin", "python3.13.wasm")),
    }
    cwd = os.path.join(ROOT, "build", "bench-python")
    os.makedirs(cwd, exist_ok=True)
    rows = [("startup", ["-c", "pass"]), ("import all", ["-c", import_all]), ("hot loop", ["-c", HOT])]
    results = {}
    for host in ("jco", "wasmtime"):
        for kind in ("dynamic", "static"):  # warm the transpile/compile caches
            timed(apps[(host, kind)] + ["-c", "pass"], cwd)
        for name, args in rows:
            samples = {"dynamic": [], "static": []}
            for r in range(rounds):
                for kind in ("dynamic", "static"):
                    elapsed, out = timed(apps[(host, kind)] + args, cwd)
                    if name == "hot loop":
                        elapsed = float(out.split("HOT ")[1]) * 1e-9
                    samples[kind].append(elapsed)
            results[(host, name)] = {k: statistics.median(v) for k, v in samples.items()}
            log("%s %s done" % (host, name))

    print("CPython %s: dynamic (lib-dynload side modules, %d modules) vs static (built in)"
          % (os.path.basename(os.path.dirname(dyn)), len(mods)))
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
        summary.append("%s_%s=%.3f" % (name.replace(" ", "_"), "jco" if host == "jco" else "wt", ratio))
    print(" ".join(summary))


if __name__ == "__main__":
    main(sys.argv[1:])
