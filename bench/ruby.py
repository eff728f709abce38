#!/usr/bin/env python3
"""CRuby with this libdl against CRuby built ruby.wasm's way, same source, same host, same run
(bin/bench-ruby; bin/bench runs it).

    python3 bench/ruby.py [--rounds N]

"dynamic" is ports/ruby/build: every extension and encoding a side module, loaded by dlopen
(the reference host, jco) or bundled into a link-time component (ports/ruby/link-bundle,
stock wasmtime). "static" is ports/ruby/build --static: every extension and encoding linked
into ruby.wasm, no dlopen, as ruby.wasm builds it.

Rows, each the median of N interleaved rounds (dynamic, static, dynamic, ...), as a ratio
dynamic/static (smaller is better; targets in brackets):
  startup        `-e 0`, the whole process                    [jco <= 1.25, wasmtime <= 1.1]
  require all    `-e "require ..."` of every extension         [jco <= 1.25, wasmtime <= 1.1]
  hot loop       StringScanner#scan in a loop, per call, timed inside Ruby          [<= 1.05]
The last line is a summary of the ratios. Nothing here asserts a time.
"""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLRUN = os.path.join(ROOT, "bin", "dlrun")
HOT = ("require 'strscan'; s = StringScanner.new('hello world ' * 10); n = 200_000; best = nil; "
       "3.times { t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC); "
       "n.times { s.reset; s.scan(/hello/) }; "
       "t = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0; best = t if !best || t < best }; "
       "puts 'HOT %.3f' % (best / n * 1e9)")


def log(msg):
    print("bench-ruby: " + msg, file=sys.stderr, flush=True)


def build(*args):
    out = subprocess.run([os.path.join(ROOT, "ports", "ruby", "build"), *args],
                         stdout=subprocess.PIPE, check=True, text=True)
    return out.stdout.strip()


def runner(out, host, app):
    """The command line running `app` (a ruby.wasm) of build `out` on `host`."""
    cmd = [DLRUN] + (["--wasmtime"] if host == "wasmtime" else [])
    return cmd + ["--dir", os.path.join(out, "install", "usr") + "::/usr", app]


def timed(cmd, cwd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("bench-ruby: %s failed:\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    return elapsed, r.stdout


def features(out):
    """The extensions of the dynamic build, as `require` names (encodings are loaded on use)."""
    arch = os.path.join(out, "install", "usr", "local", "lib", "ruby", "3.3.0", "wasm32-wasi")
    names = []
    for d, _, files in os.walk(arch):
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), arch)
            # (pty: WASI's Ruby lacks the fork it needs; it does not load, or link statically.)
            if f.endswith(".so") and not rel.startswith("enc/") and rel != "pty.so":
                names.append(rel[:-3])
    return sorted(names)


def main(argv):
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 5
    log("building (cached): dynamic and static CRuby")
    dyn, stat = build(), build("--static")
    bundle = subprocess.run([os.path.join(ROOT, "ports", "ruby", "link-bundle"), dyn],
                            stdout=subprocess.PIPE, check=True, text=True).stdout.strip()
    feats = features(dyn)
    require_all = "; ".join("require %r" % f for f in feats)
    apps = {
        ("jco", "dynamic"): runner(dyn, "jco", os.path.join(dyn, "ruby.wasm")),
        ("jco", "static"): runner(stat, "jco", os.path.join(stat, "ruby.wasm")),
        ("wasmtime", "dynamic"): runner(dyn, "wasmtime", bundle),
        ("wasmtime", "static"): runner(stat, "wasmtime", os.path.join(stat, "ruby.wasm")),
    }
    cwd = os.path.join(ROOT, "build", "bench-ruby")
    os.makedirs(cwd, exist_ok=True)
    rows = [("startup", ["-e", "0"]), ("require all", ["-e", require_all]), ("hot loop", ["-e", HOT])]
    results = {}
    for host in ("jco", "wasmtime"):
        for kind in ("dynamic", "static"):  # warm the transpile/compile caches
            timed(apps[(host, kind)] + ["-e", require_all], cwd)
        for name, args in rows:
            samples = {"dynamic": [], "static": []}
            for _ in range(rounds):
                for kind in ("dynamic", "static"):
                    elapsed, out = timed(apps[(host, kind)] + args, cwd)
                    if name == "hot loop":
                        elapsed = float(out.split("HOT ")[1]) * 1e-9
                    samples[kind].append(elapsed)
            results[(host, name)] = {k: statistics.median(v) for k, v in samples.items()}
            log("%s %s done" % (host, name))

    sizes = {"dynamic": os.path.getsize(os.path.join(dyn, "ruby.wasm")),
             "static": os.path.getsize(os.path.join(stat, "ruby.wasm"))}
    print("CRuby %s: dynamic (%d extensions and the encodings as side modules) vs static (linked in)"
          % (os.path.basename(dyn).split("-")[0], len(feats)))
    print("ruby.wasm: dynamic %.1f MiB, static %.1f MiB; link-time bundle %.1f MiB"
          % (sizes["dynamic"] / 2**20, sizes["static"] / 2**20, os.path.getsize(bundle) / 2**20))
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
        summary.append("rb_%s_%s=%.3f" % (name.replace(" ", "_"), "jco" if host == "jco" else "wt", ratio))
    print(" ".join(summary))


if __name__ == "__main__":
    main(sys.argv[1:])
