#!/usr/bin/env python3
"""bin/bench: build the benchmark's libraries and programs (cached under build/bench/), run
every column in one go and print one table; the last line is the machine-readable summary.

    bin/bench [--save FILE]     --save also writes the output plus machine facts to FILE

Columns (every number is per operation; median [min-max] over 15 batches):
  glibc        native x86_64: gcc-built .so files, glibc dlopen/dlsym
  witdl/jco    wit-component's built-in libdl (link-time, `--use-built-in-libdl`), Node + jco
  lt/jco       this libdl, link-time mode (wasm-tools component link), Node + jco
  rt/jco       this libdl, runtime mode (wasi:module-loader, the reference host), Node + jco
  rt/wt        this libdl, runtime mode on wasmtime (host/wasmtime, bin/dlrun --wasmtime-rt)
  witdl/wt     wit-component's libdl on wasmtime (PyPI wasmtime)
  lt/wt        this libdl, link-time mode, on wasmtime
Nothing here is a test: no time is asserted.
"""
import concurrent.futures as cf
import datetime
import bisect
import json
import math
import os
import platform
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
B = os.path.join(ROOT, "build", "bench")
CC = os.path.join(ROOT, "bin", "wasm32-wasip2-clang")
CXX = os.path.join(ROOT, "bin", "wasm32-wasip2-clang++")
LINK = os.path.join(ROOT, "bin", "wasm32-wasip2-link")
DLRUN = os.path.join(ROOT, "bin", "dlrun")
BENCH_C = os.path.join(HERE, "bench.c")
LOOP_C = os.path.join(HERE, "loop.c")
LTCOST_C = os.path.join(HERE, "ltcost.c")
THROW_CPP = os.path.join(HERE, "throw.cpp")
GEN = os.path.join(HERE, "gen.py")
SIZES = (100, 1000, 10000)
# dladdr rows: a library of this many functions (libbig) and one of this many data symbols.
DLADDR_N = 1000
SCALE_LIBS, SCALE_FUNCS = 1000, 10
# A link-time component holds at most 1,000 core modules (wasm-tools) and 1,000 instances
# (jco's transpiler; about 3 per library), so link-time columns scale to 320 libraries.
SCALE_LIBS_LT = 320
OPEN_REPS = 15
JOBS = max(1, os.cpu_count() or 1)

sys.path.insert(0, HERE)
import gen  # noqa: E402


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s%s" % (" ".join(cmd[:3]), r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
    return r.stdout


def stale(out, inputs):
    if not os.path.exists(out):
        return True
    t = os.path.getmtime(out)
    return any(os.path.getmtime(i) > t for i in inputs)


def build_libs():
    """Side modules (wasm) and native .so files with the same symbols."""
    src, wasm, native = (os.path.join(B, d) for d in ("src", "wasm", "native"))
    for d in (src, wasm, native):
        os.makedirs(d, exist_ok=True)
    jobs = []

    def library(name, text):
        """lib<name>.so from generated C, as a side module and natively (when stale)."""
        c = os.path.join(src, name + ".c")
        gen.write(c, text)
        for out, cc in ((os.path.join(wasm, "lib%s.so" % name), CC), (os.path.join(native, "lib%s.so" % name), "gcc")):
            if stale(out, [c, GEN]):
                jobs.append([cc, "-O1", "-fPIC", "-shared", c, "-o", out])

    for n in SIZES:
        library("big%d" % n, gen.big(n))
    library("data%d" % DLADDR_N, gen.data(DLADDR_N))  # dladdr's data row: 1,000 arrays
    # Scale test: 1,000 small libraries. Native ones are compiled one by one; the wasm ones
    # are copies of one clang-built side module whose symbol names (fixed width, "s0000_")
    # are renamed in place: same length, so the binary stays valid, and 1,000 clang+wasm-ld
    # runs (~2 minutes here) are not worth spending on identical code.
    tmpl_c = os.path.join(src, "s-template.c")
    gen.write(tmpl_c, gen.small(0, SCALE_FUNCS))
    tmpl = os.path.join(B, "s-template.so")
    if stale(tmpl, [tmpl_c, GEN]):
        jobs.append([CC, "-O1", "-fPIC", "-shared", tmpl_c, "-o", tmpl])
    for j in range(SCALE_LIBS):
        c = os.path.join(src, "s%04d.c" % j)
        gen.write(c, gen.small(j, SCALE_FUNCS))
        out = os.path.join(native, "libs%04d.so" % j)
        if stale(out, [c, GEN]):
            jobs.append(["gcc", "-O1", "-fPIC", "-shared", c, "-o", out])
    if jobs:
        log("building %d libraries (%d jobs in parallel)" % (len(jobs), JOBS))
        with cf.ThreadPoolExecutor(JOBS) as ex:
            for f in [ex.submit(run, j) for j in jobs]:
                f.result()
    with open(tmpl, "rb") as f:
        t = f.read()
    if t.count(b"s0000_") < SCALE_FUNCS:
        raise RuntimeError("template side module: symbol names not found")
    for j in range(SCALE_LIBS):
        out = os.path.join(wasm, "libs%04d.so" % j)
        if stale(out, [tmpl]):
            with open(out + ".tmp", "wb") as f:
                f.write(t.replace(b"s0000_", b"s%04d_" % j))
            os.replace(out + ".tmp", out)


def build_programs():
    libdl_rt = os.path.join(ROOT, "build", "lib", "libdl.a")
    libdl_lt = os.path.join(ROOT, "build", "lib", "linktime-only", "libdl.so")
    wasm = os.path.join(B, "wasm")
    big = [os.path.join(wasm, "libbig%d.so" % n) for n in SIZES] + [os.path.join(wasm, "libdata%d.so" % DLADDR_N)]
    small = [os.path.join(wasm, "libs%04d.so" % j) for j in range(SCALE_LIBS_LT)]
    tools = [BENCH_C, CC, LINK]
    progs = {
        "native/bench": (["gcc", "-O2", BENCH_C, "-o", os.path.join(B, "native", "bench"), "-ldl"], [BENCH_C]),
        "rt.wasm": ([CC, "-O2", BENCH_C, "-ldl", "-o", os.path.join(B, "rt.wasm")], tools + [libdl_rt]),
        "loop.wasm": ([CC, "-O2", LOOP_C, "-o", os.path.join(B, "loop.wasm")], [LOOP_C, CC]),
        "ltcost_plain.wasm": ([CC, "-O2", LTCOST_C, "-o", os.path.join(B, "ltcost_plain.wasm")], [LTCOST_C, CC]),
        "ltcost_lt.wasm": ([LINK, "-O2", LTCOST_C, "-o", os.path.join(B, "ltcost_lt.wasm")], [LTCOST_C, CC, LINK]),
        "native/libthrowb.so": (["g++", "-O2", "-DPLUGIN", "-fPIC", "-shared", THROW_CPP,
                                 "-o", os.path.join(B, "native", "libthrowb.so")], [THROW_CPP]),
        "native/throwb": (["g++", "-O2", THROW_CPP, "-o", os.path.join(B, "native", "throwb"), "-ldl"], [THROW_CPP]),
        "wasm/libthrowb.so": ([CXX, "-O2", "-DPLUGIN", "-fPIC", "-shared", THROW_CPP,
                               "-o", os.path.join(B, "wasm", "libthrowb.so")], [THROW_CPP, CXX, CC]),
        "throwb_rt.wasm": ([CXX, "-O2", THROW_CPP, "-ldl", "-o", os.path.join(B, "throwb_rt.wasm")],
                           [THROW_CPP, CXX, CC, libdl_rt]),
    }
    # (after the plugin it bundles)
    throw_lt = ([LINK, "-O2", THROW_CPP, "-ldl", "--dl-openable", os.path.join(B, "wasm", "libthrowb.so"),
                 "-o", os.path.join(B, "throwb_lt.wasm")], [THROW_CPP, CXX, CC, LINK, libdl_lt])
    for kind, extra, deps in (("lt", [], [libdl_lt]),
                              ("wit", ["--builtin-libdl", "-DWASM_LIBDL_NO_DLSYM_MACRO", "-DBENCH_NO_DLADDR"], [])):
        for suffix, libs in (("", big), ("_scale", small)):
            out = os.path.join(B, kind + suffix + ".wasm")
            cmd = [LINK, "-O2", BENCH_C, "-ldl", "-o", out] + extra
            for lib in libs:
                cmd += ["--dl-openable", lib]
            progs[kind + suffix + ".wasm"] = (cmd, tools + deps + libs)
    todo = [(name, cmd) for name, (cmd, deps) in progs.items()
            if stale(os.path.join(B, name), deps)]
    if todo:
        log("building %s" % ", ".join(n for n, _ in todo))
        with cf.ThreadPoolExecutor(JOBS) as ex:
            for f in [ex.submit(run, cmd) for _, cmd in todo]:
                f.result()
    if stale(os.path.join(B, "throwb_lt.wasm"), throw_lt[1] + [os.path.join(B, "wasm", "libthrowb.so")]):
        run(throw_lt[0])


# ---- running ---------------------------------------------------------------------------------

COLUMNS = ["glibc", "witdl/jco", "lt/jco", "rt/jco", "witdl/wt", "lt/wt", "rt/wt"]
# Interleaved rounds of the dlsym and call phases (see measure_rounds).
ROUNDS = 5


def command(col, prog_kind):
    """argv and cwd for one column; prog_kind is '' (big libraries) or '_scale'."""
    if col == "glibc":
        return [os.path.join(B, "native", "bench")], os.path.join(B, "native")
    if col == "rt/jco":
        return [DLRUN, os.path.join(B, "rt.wasm")], os.path.join(B, "wasm")
    if col == "rt/wt":
        return [DLRUN, "--wasmtime-rt", os.path.join(B, "rt.wasm")], os.path.join(B, "wasm")
    kind = "wit" if col.startswith("witdl") else "lt"
    app = os.path.join(B, kind + prog_kind + ".wasm")
    return ([DLRUN, "--wasmtime", app] if col.endswith("/wt") else [DLRUN, app]), os.path.join(B, "wasm")


def parse(out):
    res, raw = {}, {}
    for line in out.splitlines():
        p = line.split()
        if p and p[0] == "R":
            res[p[1]] = tuple(float(x) for x in p[2:5])
        elif p and p[0] == "L":
            raw[p[1]] = [float(x) for x in p[2:]]
    return res, raw


def run_bench(col, args, prog_kind="", profile=None):
    argv, cwd = command(col, prog_kind)
    env = dict(os.environ, BENCH_PREFIX="./" if col == "glibc" else "")
    if profile:
        env["DLRUN_PROFILE"] = profile
    r = subprocess.run(argv + args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    res, raw = parse(r.stdout)
    err = r.stderr.strip().splitlines()
    return res, raw, (err[-1] if r.returncode != 0 and err else None)


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


COMPILE_INSTANTIATE = ("loader.load", "Module.instantiate")


def host_split(intervals, prof):
    """Per timed operation (the guest's two clock readings [t0, t1]), from the reference host's
    profile (bin/dlrun's DLRUN_PROFILE: [start, duration] of every call): the host's
    implementation of compile+instantiate (loader.load, Module.instantiate) and of the other
    loader calls (keys without a colon); jco's bindings around them (the "guest:" calls, as
    the guest's code sees them, minus the implementations); the number of calls; and the
    guest side: the time from the return of the first clock reading to the start of the
    second, less the calls (None if a reading is missing from the profile)."""
    clocks = sorted(prof.get("clock:now", []))
    starts = [c[0] for c in clocks]

    def reading(t):  # the clock call that read t: (start, end)
        i = bisect.bisect_right(starts, t) - 1
        return (clocks[i][0], clocks[i][0] + clocks[i][1]) if i >= 0 else None

    out = []
    for t0, t1 in intervals:
        inside = lambda key: [d for s, d in prof.get(key, []) if t0 <= s and s + d <= t1]
        ci = sum(sum(inside(k)) for k in COMPILE_INSTANTIATE)
        impl = sum(sum(inside(k)) for k in prof if ":" not in k)
        seen = [d for k in prof if k.startswith("guest:") for d in inside(k)]
        r0, r1 = reading(t0), reading(t1)
        guest = (r1[0] - r0[1] - sum(seen)) if r0 and r1 else None
        out.append((ci, impl - ci, sum(seen) - impl, len(seen), guest))
    return out


def stats(v):
    return (median(v), min(v), max(v))


def measure_rounds(results, notes):
    """The dlsym and call phases, ROUNDS times, the columns interleaved (round 1 of every
    column, then round 2...), so that a slow spell of a shared machine hits every column
    alike. Per measurement: the median of the rounds' medians, and the extremes of all."""
    rounds = {c: {} for c in COLUMNS}
    for r in range(ROUNDS):
        for col in COLUMNS:
            for phase in ("sym", "call"):
                res, _, err = run_bench(col, [phase])
                if err:
                    notes[(col, phase)] = err
                for k, v in res.items():
                    rounds[col].setdefault(k, []).append(v)
        log("dlsym/call round %d of %d done" % (r + 1, ROUNDS))
    for col, per in rounds.items():
        for k, vs in per.items():
            results[col][k] = (median([v[0] for v in vs]), min(v[1] for v in vs), max(v[2] for v in vs))


def measure():
    results = {c: {} for c in COLUMNS}
    notes = {}
    measure_rounds(results, notes)
    for col in COLUMNS:
        t0 = time.time()
        for n in SIZES:
            prof = os.path.join(B, "profile.json") if col == "rt/jco" else None
            if prof and os.path.exists(prof):
                os.remove(prof)
            res, raw, err = run_bench(col, ["open", str(n), str(OPEN_REPS)], profile=prof)
            results[col].update(res)
            iv = raw.get("dlopen_%d_interval" % n)
            if "dlopen_%d_batched" % n in raw:
                results[col].setdefault("_open_batched", []).append(n)
            if prof and iv and os.path.exists(prof):
                with open(prof) as f:
                    p = json.load(f)
                ci, other, glue, calls, guest = zip(*host_split(list(zip(iv[0::2], iv[1::2])), p))
                results[col]["dlopen_host_ci_%d" % n] = stats(ci)
                results[col]["dlopen_host_other_%d" % n] = stats(other)
                results[col]["dlopen_host_glue_%d" % n] = stats(glue)
                results[col]["dlopen_host_calls_%d" % n] = stats(calls)
                if None not in guest:
                    results[col]["dlopen_guest_%d" % n] = stats(guest)
                fiv = raw.get("first_dlsym_%d_interval" % n)
                if fiv:
                    guest = [s[-1] for s in host_split(list(zip(fiv[0::2], fiv[1::2])), p)]
                    if None not in guest:
                        results[col]["first_dlsym_guest_%d" % n] = stats(guest)
        prof = os.path.join(B, "profile.json") if col == "rt/jco" else None
        if prof and os.path.exists(prof):
            os.remove(prof)
        libs = SCALE_LIBS if col in ("glibc", "rt/jco", "rt/wt") else SCALE_LIBS_LT
        res, raw, err = run_bench(col, ["scale", str(libs), str(SCALE_FUNCS)], "_scale", profile=prof)
        results[col].update(res)
        if err:
            notes[(col, "scale")] = err
        if prof and os.path.exists(prof):
            with open(prof) as f:
                p = json.load(f)
            host = sum(d for k in COMPILE_INSTANTIATE for _, d in p.get(k, []))
            v = host / SCALE_LIBS
            results[col]["scale_host_ci_each"] = (v, v, v)
        log("%-9s done in %.0f s" % (col, time.time() - t0))
    return results, notes


def measure_guest_debug(rounds=5):
    """bench/loop.c on the wasmtime host with guest_debug (as it runs for dlopen) and without
    (DLRUN_GUEST_DEBUG=0), interleaved: median ms of each and their ratio."""
    times = {True: [], False: []}
    for _ in range(rounds):
        for on in (True, False):
            env = dict(os.environ)
            if not on:
                env["DLRUN_GUEST_DEBUG"] = "0"
            r = subprocess.run([DLRUN, "--wasmtime-rt", os.path.join(B, "loop.wasm")], env=env,
                               stdout=subprocess.PIPE, text=True, check=True)
            times[on].append(float(r.stdout.split()[0]))
    on, off = median(times[True]), median(times[False])
    return on, off, on / off


def measure_linktime_cost(rounds=5):
    """bench/ltcost.c as a plain program and linked for link-time mode, interleaved, on each
    host: {host: (frames ratio, libc-call ratio)}, link-time over plain, medians."""
    out = {}
    for host, flag in (("jco", []), ("wt", ["--wasmtime"])):
        times = {k: ([], []) for k in ("plain", "lt")}
        for _ in range(rounds):
            for k in ("plain", "lt"):
                r = subprocess.run([DLRUN] + flag + [os.path.join(B, "ltcost_%s.wasm" % k)],
                                   stdout=subprocess.PIPE, text=True, check=True)
                f, c = r.stdout.split()[:2]
                times[k][0].append(float(f))
                times[k][1].append(float(c))
        out[host] = tuple(median(times["lt"][i]) / median(times["plain"][i]) for i in (0, 1))
    return out


def measure_throw(rounds=5):
    """bench/throw.cpp: {column: (ns across modules, ns within one)}, medians of interleaved
    runs: g++ and glibc, runtime mode on jco, link-time mode on wasmtime and jco."""
    cols = {
        "g++": ([os.path.join(B, "native", "throwb")], os.path.join(B, "native")),
        "rt/jco": ([DLRUN, os.path.join(B, "throwb_rt.wasm")], os.path.join(B, "wasm")),
        "lt/jco": ([DLRUN, os.path.join(B, "throwb_lt.wasm")], os.path.join(B, "wasm")),
        "lt/wt": ([DLRUN, "--wasmtime", os.path.join(B, "throwb_lt.wasm")], os.path.join(B, "wasm")),
    }
    times = {c: ([], []) for c in cols}
    for _ in range(rounds):
        for c, (cmd, cwd) in cols.items():
            r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, text=True, check=True)
            a, l = r.stdout.split()[:2]
            times[c][0].append(float(a))
            times[c][1].append(float(l))
    return {c: (median(t[0]), median(t[1])) for c, t in times.items()}


def sizes():
    out = {}
    for key, path in (("libdl.so", "build/lib/libdl.so"),
                      ("linktime-only/libdl.so", "build/lib/linktime-only/libdl.so")):
        p = os.path.join(ROOT, path)
        # default strip (debug info, producers, ...), then the name section too; dylink.0 and
        # the component-type section stay (they are needed to link).
        s = subprocess.run(["wasm-tools", "strip", p], stdout=subprocess.PIPE, check=True).stdout
        s = subprocess.run(["wasm-tools", "strip", "-d", "^name$"], input=s, stdout=subprocess.PIPE, check=True).stdout
        out[key] = len(s)
    # libdl.a: llvm-strip cannot rewrite its objects (it rejects the debug relocations), so
    # count what --strip-debug would keep: every section of every member but .debug_* and
    # their relocations (members include Rust's core/compiler_builtins, mostly dropped at link).
    a = os.path.join(ROOT, "build", "lib", "libdl.a")
    size = "llvm-size-19" if subprocess.run(["sh", "-c", "command -v llvm-size-19"], stdout=subprocess.DEVNULL).returncode == 0 else "/usr/lib/llvm-19/bin/llvm-size"
    total = 0
    for line in subprocess.run([size, "-A", a], stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines():
        p = line.split()
        if len(p) == 3 and p[1].isdigit() and not re.match(r"(reloc\.)?\.debug", p[0]):
            total += int(p[1])
    out["libdl.a (no debug sections)"] = total
    return out


# ---- report ----------------------------------------------------------------------------------

ROWS = [
    ("dlsym hit, 100 exports", "dlsym_hit_100", "ns"),
    ("dlsym hit, 1,000 exports", "dlsym_hit_1000", "ns"),
    ("dlsym hit, 10,000 exports", "dlsym_hit_10000", "ns"),
    ("dlsym miss, 10,000 exports", "dlsym_miss_10000", "ns"),
    ("dladdr, function, 1,000 symbols", "dladdr_func_1000", "ns"),
    ("dladdr, data, 1,000 symbols", "dladdr_data_1000", "ns"),
    ("call via pointer to main's fn", "call_local", "ns"),
    ("call via dlsym'd pointer", "call_dlsym", "ns"),
    ("dlopen 100 exports (total)", "dlopen_100", "us"),
    ("  host: compile+instantiate", "dlopen_host_ci_100", "us"),
    ("  host: other loader calls", "dlopen_host_other_100", "us"),
    ("  host: jco bindings of calls", "dlopen_host_glue_100", "us"),
    ("  host calls per dlopen", "dlopen_host_calls_100", "n"),
    ("  guest side (linking work)", "dlopen_guest_100", "us"),
    ("dlopen 1,000 exports (total)", "dlopen_1000", "us"),
    ("  host: compile+instantiate", "dlopen_host_ci_1000", "us"),
    ("  host: other loader calls", "dlopen_host_other_1000", "us"),
    ("  host: jco bindings of calls", "dlopen_host_glue_1000", "us"),
    ("  host calls per dlopen", "dlopen_host_calls_1000", "n"),
    ("  guest side (linking work)", "dlopen_guest_1000", "us"),
    ("dlopen 10,000 exports (total)", "dlopen_10000", "us"),
    ("  host: compile+instantiate", "dlopen_host_ci_10000", "us"),
    ("  host: other loader calls", "dlopen_host_other_10000", "us"),
    ("  host: jco bindings of calls", "dlopen_host_glue_10000", "us"),
    ("  host calls per dlopen", "dlopen_host_calls_10000", "n"),
    ("  guest side (linking work)", "dlopen_guest_10000", "us"),
    ("first dlsym after dlopen, 1,000 exports", "first_dlsym_1000", "us"),
    ("  guest side", "first_dlsym_guest_1000", "us"),
    ("first dlsym after dlopen, 10,000 exports", "first_dlsym_10000", "us"),
    ("  guest side", "first_dlsym_guest_10000", "us"),
    ("1,000 libs*: dlopen each (GLOBAL)", "scale_dlopen_each", "us"),
    ("  of which host compile+inst.", "scale_host_ci_each", "us"),
    ("1,000 libs*: dlsym(RTLD_DEFAULT)", "dlsym_default_scale", "ns"),
    ("1,000 libs*: heap bytes per lib", "mem_per_lib", "B"),
]


def fmt(v, unit, full=True):
    if v is None:
        return "n/a"
    scale = 1000.0 if unit == "us" else 1.0
    m, lo, hi = (x / scale for x in v)
    digits = 0 if abs(m) >= 100 or unit in ("B", "n") else (1 if abs(m) >= 10 else (3 if unit == "x" else 2))
    s = "%.*f" % (digits, m)
    if full and (lo != hi):
        s += " [%.*f-%.*f]" % (digits, lo, digits, hi)
    return s


def ratio(a, b):
    if not a or not b or b[0] <= 0 or a[0] <= 0:
        return None
    return a[0] / b[0]


def report(results, notes, sz, gd, ltc, thr):
    lines = []
    cols = COLUMNS
    head = ["measurement", "unit"] + cols + ["rt/glibc", "witdl/lt jco", "witdl/lt wt", "rt wt/glibc"]
    rows = []
    for label, key, unit in ROWS:
        cells = [label, unit]
        for c in cols:
            cells.append(fmt(results[c].get(key), unit))
        r1 = ratio(results["rt/jco"].get(key), results["glibc"].get(key))
        r2 = ratio(results["witdl/jco"].get(key), results["lt/jco"].get(key))
        r3 = ratio(results["witdl/wt"].get(key), results["lt/wt"].get(key))
        r4 = ratio(results["rt/wt"].get(key), results["glibc"].get(key))
        cells += ["%.2f" % r if r else "" for r in (r1, r2, r3, r4)]
        rows.append(cells)
    rows.append(["call ratio dlsym'd/main's", "x"] + [fmt(results[c].get("call_ratio"), "x") for c in cols] + ["", "", "", ""])
    batched = ["%s (%s)" % (c, "/".join(str(n) for n in results[c]["_open_batched"])) for c in cols if results[c].get("_open_batched")]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    lines.append("Per operation: median [min-max] of 15 batches, all columns measured in this run; dlsym and")
    lines.append("call rows: median of %d interleaved rounds' medians [min-max of all their batches]." % ROUNDS)
    lines.append("rt/glibc = this libdl (runtime mode) / glibc: smaller is better.")
    lines.append("witdl/lt = wit-component's libdl / this libdl (link-time), same host: LARGER is better.")
    lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(x.ljust(w) for x, w in zip(r, widths)))
    if batched:
        lines.append("dlopen rows of %s: dlopen+dlclose pairs timed in batches (each far below a clock read);" % ", ".join(batched))
        lines.append("  elsewhere one dlopen timed alone, minus the cost of a clock-read pair.")
    lines.append("* link-time columns: %d libraries (a component holds at most 1,000 core modules and" % SCALE_LIBS_LT)
    lines.append("  jco transpiles at most 1,000 instances, ~3 per library); glibc and rt: %d." % SCALE_LIBS)
    lines.append("guest_debug (the wasmtime host needs it, docs/wasmtime.md): bench/loop.c %.1f ms with, %.1f ms" % gd[:2])
    lines.append("  without, same host binary, median of 5 interleaved runs: %.2fx" % gd[2])
    lines.append("link-time mode's own cost (bench/ltcost.c, no dlopen; link-time / plain program, median of")
    lines.append("  5 interleaved runs): calls with stack frames jco %.2fx, wasmtime %.2fx; calls into libc" % (ltc["jco"][0], ltc["wt"][0]))
    lines.append("  jco %.2fx, wasmtime %.2fx (the stack pointer is an imported global, libc another instance)" % (ltc["jco"][1], ltc["wt"][1]))
    lines.append("a C++ throw and its catch (bench/throw.cpp; ns, median of 5 interleaved runs), across")
    lines.append("  modules / within one: " + ", ".join(
        "%s %.0f / %.0f" % (c, a, l) for c, (a, l) in thr.items()))
    lines.append("")
    lines.append("sizes (stripped: debug info, producers and name sections removed):")
    for k, v in sz.items():
        lines.append("  %-24s %8d bytes (%.1f KiB)" % (k, v, v / 1024))
    for (c, ph), e in sorted(notes.items()):
        lines.append("note: %s %s: %s" % (c, ph, e))
    g = results["glibc"]
    rt = results["rt/jco"]

    def r(x):
        return "%.2f" % x if x else "n/a"
    wt = results["rt/wt"]
    final = "dlsym10k_vs_glibc=%s dlsym10k_vs_witdl=%s dlsym_miss_vs_glibc=%s dladdr_func_vs_glibc=%s dladdr_data_vs_glibc=%s call_ratio=%s link1k_vs_glibc=%s libdl_so_kib=%d rt_wt: dlsym10k_vs_glibc=%s dlsym_miss_vs_glibc=%s call_ratio=%s guest_debug=%.2f" % (
        r(ratio(rt.get("dlsym_hit_10000"), g.get("dlsym_hit_10000"))),
        r(ratio(results["witdl/jco"].get("dlsym_hit_10000"), results["lt/jco"].get("dlsym_hit_10000"))),
        r(ratio(rt.get("dlsym_miss_10000"), g.get("dlsym_miss_10000"))),
        r(ratio(rt.get("dladdr_func_1000"), g.get("dladdr_func_1000"))),
        r(ratio(rt.get("dladdr_data_1000"), g.get("dladdr_data_1000"))),
        ("%.3f" % rt["call_ratio"][0]) if rt.get("call_ratio") else "n/a",
        r(ratio(rt.get("dlopen_guest_1000"), g.get("dlopen_1000"))),
        math.ceil(sz["libdl.so"] / 1024),
        r(ratio(wt.get("dlsym_hit_10000"), g.get("dlsym_hit_10000"))),
        r(ratio(wt.get("dlsym_miss_10000"), g.get("dlsym_miss_10000"))),
        ("%.3f" % wt["call_ratio"][0]) if wt.get("call_ratio") else "n/a",
        gd[2])
    final += " lt_cost: frames_jco=%.2f frames_wt=%.2f libc_jco=%.2f libc_wt=%.2f" % (
        ltc["jco"][0], ltc["wt"][0], ltc["jco"][1], ltc["wt"][1])
    g = thr["g++"][0]
    final += " cxx_throw_vs_gxx: rt_jco=%.2f lt_jco=%.2f lt_wt=%.2f" % (
        thr["rt/jco"][0] / g, thr["lt/jco"][0] / g, thr["lt/wt"][0] / g)
    lines.append(final)
    return "\n".join(lines)


def jco_version():
    try:
        with open(os.path.join(ROOT, "host", "node_modules", "@bytecodealliance", "jco-transpile", "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return "unknown"


def machine_facts():
    def out(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip().splitlines()[0]
        except Exception:
            return "unknown"
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            cpu = m.group(1) if m else cpu
    except OSError:
        pass
    try:
        from importlib.metadata import version
        wt = version("wasmtime")
    except Exception:
        wt = "unknown"
    return [
        "date: %s" % datetime.date.today().isoformat(),
        "nproc: %d" % (os.cpu_count() or 0),
        "load average at the end: %.1f %.1f %.1f" % os.getloadavg(),
        "cpu: %s" % cpu,
        "kernel: %s %s" % (platform.system(), platform.release()),
        "glibc: %s" % out(["ldd", "--version"]),
        "gcc: %s" % out(["gcc", "--version"]),
        "node (the reference host's): %s" % out([os.path.join(ROOT, "host", "node_modules", ".bin", "node"), "--version"]),
        "wasmtime (PyPI): %s" % wt,
        "jco-transpile (npm): %s" % jco_version(),
        "wasm-tools: %s" % out(["wasm-tools", "--version"]),
    ]


def main(argv):
    save = None
    if len(argv) >= 2 and argv[0] == "--save":
        save = argv[1]
    t0 = time.time()
    os.makedirs(B, exist_ok=True)
    build_libs()
    build_programs()
    log("built in %.0f s; measuring" % (time.time() - t0))
    results, notes = measure()
    gd = measure_guest_debug()
    log("guest_debug done")
    ltc = measure_linktime_cost()
    log("link-time cost done")
    thr = measure_throw()
    log("C++ throw done")
    text = report(results, notes, sizes(), gd, ltc, thr)
    log("total %.0f s" % (time.time() - t0))
    if save:
        with open(save, "w") as f:
            f.write("\n".join(machine_facts()) + "\n\n" + text + "\n")
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
