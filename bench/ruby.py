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
import sys

import interp

HOT = ("require 'strscan'; s = StringScanner.new('hello world ' * 10); n = 200_000; best = nil; "
       "3.times { t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC); "
       "n.times { s.reset; s.scan(/hello/) }; "
       "t = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0; best = t if !best || t < best }; "
       "puts 'HOT %.3f' % (best / n * 1e9)")


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
    print("bench-ruby: building (cached): dynamic and static CRuby", file=sys.stderr, flush=True)
    dyn, stat = interp.port("ruby", "build"), interp.port("ruby", "build", "--static")
    bundle = interp.port("ruby", "link-bundle", dyn)
    feats = features(dyn)
    require_all = "; ".join("require %r" % f for f in feats)
    usr = lambda out: [os.path.join(out, "install", "usr") + "::/usr"]
    apps = {
        ("jco", "dynamic"): interp.runner("jco", usr(dyn), os.path.join(dyn, "ruby.wasm")),
        ("jco", "static"): interp.runner("jco", usr(stat), os.path.join(stat, "ruby.wasm")),
        ("wasmtime", "dynamic"): interp.runner("wasmtime", usr(dyn), bundle),
        ("wasmtime", "static"): interp.runner("wasmtime", usr(stat), os.path.join(stat, "ruby.wasm")),
    }
    rows = [("startup", ["-e", "0"]), ("require all", ["-e", require_all]), ("hot loop", ["-e", HOT])]
    results = interp.measure("bench-ruby", apps, rows, ["-e", require_all], rounds)
    size = lambda path: os.path.getsize(path) / 2**20
    print("CRuby %s: dynamic (%d extensions and the encodings as side modules) vs static (linked in)"
          % (os.path.basename(dyn).split("-")[0], len(feats)))
    print("ruby.wasm: dynamic %.1f MiB, static %.1f MiB; link-time bundle %.1f MiB"
          % (size(os.path.join(dyn, "ruby.wasm")), size(os.path.join(stat, "ruby.wasm")), size(bundle)))
    interp.report(results, rounds, "rb_")


if __name__ == "__main__":
    main(sys.argv[1:])
