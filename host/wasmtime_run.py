#!/usr/bin/env python3
"""Run a WASI 0.2 command component on wasmtime (the PyPI `wasmtime` package).

    python3 wasmtime_run.py APP.wasm [args...]

Used by `bin/dlrun --wasmtime`. The guest gets argv[0] from $DLRUN_ARGV0 (default: the file
name of APP.wasm) and the rest from the command line, this process's environment (less
DLRUN_*), stdin/stdout/stderr, and the current directory preopened as '.'. Every WASI 0.2
interface wasmtime implements is linked (`Linker.add_wasip2()`); there is no
wasi:module-loader, so only link-time dlopen works here.

Exit status: the guest's (`wasi:cli/exit`; a wasip2 libc reports only ok/err, so a nonzero
exit code arrives as 1), 1 if `run` returns err, or 1 with the trap's message on stderr if
the guest traps. 2 for usage errors and components that fail to load or instantiate.

Compiled components are cached per content hash in .cache/wasmtime/ at the repository root.
"""
import hashlib
import os
import sys

import wasmtime
from wasmtime import component as cm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".cache", "wasmtime")


def die(msg, status=2):
    print("dlrun: %s" % msg, file=sys.stderr)
    sys.exit(status)


def load_component(engine, path):
    """Compile `path`, or reuse the serialized compilation of the same bytes."""
    with open(path, "rb") as f:
        wasm = f.read()
    try:
        from importlib.metadata import version
        engine_id = "wasmtime-" + version("wasmtime")
    except Exception:
        engine_id = "wasmtime"
    key = "%s-%s" % (engine_id, hashlib.sha256(wasm).hexdigest())
    cached = os.path.join(CACHE, key + ".cwasm")
    if os.path.exists(cached):
        try:
            return cm.Component.deserialize_file(engine, cached)
        except wasmtime.WasmtimeError:
            pass  # stale or from another engine configuration: recompile
    component = cm.Component(engine, wasm)
    try:
        os.makedirs(CACHE, exist_ok=True)
        tmp = "%s.tmp.%d" % (cached, os.getpid())
        with open(tmp, "wb") as f:
            f.write(component.serialize())
        os.replace(tmp, cached)
    except OSError:
        pass  # caching is best effort
    return component


def find_run(store, instance):
    """The `run` function of the exported wasi:cli/run interface, whatever its version."""
    for version in ("0.2.6", "0.2.5", "0.2.4", "0.2.3", "0.2.2", "0.2.1", "0.2.0", None):
        name = "wasi:cli/run" + ("@" + version if version else "")
        iface = instance.get_export_index(store, name)
        if iface is None:
            continue
        idx = instance.get_export_index(store, "run", iface)
        if idx is not None:
            func = instance.get_func(store, idx)
            if func is not None:
                return func
    return None


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        print("usage: wasmtime_run.py app.wasm [args...]", file=sys.stderr)
        return 2
    app, args = argv[1], argv[2:]
    if not os.path.isfile(app):
        die("%s: no such file" % app)

    config = wasmtime.Config()
    config.wasm_component_model = True
    config.wasm_exceptions = True
    # Wasm may use 2 MiB of native stack, not wasmtime's 512 KiB default, so that deep C
    # recursion meets the program's own C stack limit first. 2 MiB is the most this binding
    # allows: its engines are async-capable, and max_wasm_stack may not exceed the (fixed,
    # 2 MiB) async stack size.
    config.max_wasm_stack = 2 << 20
    engine = wasmtime.Engine(config)

    try:
        component = load_component(engine, app)
    except wasmtime.WasmtimeError as e:
        die("%s: not a component wasmtime can compile:\n%s" % (app, e))

    wasi = wasmtime.WasiConfig()
    wasi.argv = [os.environ.get("DLRUN_ARGV0") or os.path.basename(app)] + args
    wasi.env = [(k, v) for k, v in os.environ.items() if not k.startswith("DLRUN_")]
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    wasi.preopen_dir(".", ".")
    # bin/dlrun --dir HOST::GUEST: more preopens, one per line.
    for line in filter(None, os.environ.get("DLRUN_DIRS", "").split("\n")):
        host, guest = line.split("::", 1)
        wasi.preopen_dir(host, guest)

    store = wasmtime.Store(engine)
    store.set_wasi(wasi)
    linker = cm.Linker(engine)
    linker.add_wasip2()

    sys.stdout.flush()
    try:
        instance = linker.instantiate(store, component)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.WasmtimeError as e:
        # Missing imports, or a trap in a start function (constructors run here).
        print("dlrun: %s: instantiation failed:\n%s" % (os.path.basename(app), e), file=sys.stderr)
        return 1
    try:
        run = find_run(store, instance)
        if run is None:
            die("%s: the component does not export wasi:cli/run" % app)
        result = run(store)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.WasmtimeError as e:
        print("dlrun: %s: wasm trap:\n%s" % (os.path.basename(app), e), file=sys.stderr)
        return 1
    # result<_, _>: the bindings give a Variant-like value, or None for a bare ok.
    tag = getattr(result, "tag", None)
    if tag == "err" or result == "err":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
