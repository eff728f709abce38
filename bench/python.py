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
import sys

import interp

GUEST = "/usr/local"
HOT = ("import timeit, _json; n = 200000; "
       "t = min(timeit.repeat(\"f('hello world, this is ascii')\", "
       "setup='from _json import encode_basestring_ascii as f', number=n, repeat=3)); "
       "print('HOT %.3f' % (t / n * 1e9))")


def main(argv):
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 5
    print("bench-python: building (cached): dynamic and static CPython", file=sys.stderr, flush=True)
    dyn, stat = interp.port("cpython", "build"), interp.port("cpython", "build", "--static")
    bundle = interp.port("cpython", "link-bundle", dyn)
    dynload = os.path.join(dyn, "lib", "python3.13", "lib-dynload")
    mods = sorted({f.split(".")[0] for f in os.listdir(dynload) if f.endswith(".so")})
    # The static build has the same modules built in (the test modules aside).
    import_all = "import " + ", ".join(m for m in mods if not m.startswith(("_test", "xx")))
    apps = {
        ("jco", "dynamic"): interp.runner("jco", [dyn + "::" + GUEST], os.path.join(dyn, "bin", "python3.13.wasm")),
        ("jco", "static"): interp.runner("jco", [stat + "::" + GUEST], os.path.join(stat, "bin", "python3.13.wasm")),
        ("wasmtime", "dynamic"): interp.runner("wasmtime", [dyn + "::" + GUEST], bundle),
        ("wasmtime", "static"): interp.runner("wasmtime", [stat + "::" + GUEST], os.path.join(stat, "bin", "python3.13.wasm")),
    }
    rows = [("startup", ["-c", "pass"]), ("import all", ["-c", import_all]), ("hot loop", ["-c", HOT])]
    results = interp.measure("bench-python", apps, rows, ["-c", "pass"], rounds, {"PYTHONHOME": GUEST})
    print("CPython %s: dynamic (lib-dynload side modules, %d modules) vs static (built in)"
          % (os.path.basename(os.path.dirname(dyn)), len(mods)))
    interp.report(results, rounds)


if __name__ == "__main__":
    main(sys.argv[1:])
