#!/usr/bin/env python3
"""Write the text of __wasm_libdl_startup.so, the side module bin/wasm32-wasip2-link bundles
(dl-openable) to tell our libdl what `wasm-tools component link` does not record:

    scripts/link-info.py OUT.wat STARTUP_NAME... -- NAME=PATH...

STARTUP_NAMEs: the objects the program starts with (main program first), in global-scope
order. NAME=PATHs: every library of the link, in the order given to `wasm-tools component
link` (its first exporter of a symbol is the one its GOT entries get).

Exports of the module, read by src/linktime.rs from the link-time table:
- `s\\0NAME` (an i32 global): NAME is loaded at start; values ascend in global-scope order.
- `n\\0NAME\\0DEP`: NAME's NEEDED library DEP (a library of the link), values ascending in
  NEEDED order.
- `g\\0NAME\\0SYMBOL`: the address of a 4-byte cell holding the function-table slot that
  `GOT.func.SYMBOL` gets, for each function some library takes the address of through its
  GOT (`&f` of an exported function) and that NAME exports first. The module imports those
  GOT entries and its `__wasm_call_ctors` stores them, so `dlsym` can return the same slot
  (wit-component's own table of dl-openable functions has a slot of its own per function).
"""
import importlib.util
import os
import sys

spec = importlib.util.spec_from_file_location("dylink", os.path.join(os.path.dirname(__file__), "dylink.py"))
dylink = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dylink)

FUNC = 0
# Exports that are linker plumbing, not symbols (what wit-component leaves out of its table).
PLUMBING = {"__wasm_call_ctors", "__wasm_apply_data_relocs", "_initialize", "_start", "__wasm_library_tls_info"}


def wat_string(s):
    out = []
    for b in s.encode():
        out.append(chr(b) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else "\\%02x" % b)
    return '"' + "".join(out) + '"'


def main(argv):
    if "--" not in argv or len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out_path = argv[1]
    sep = argv.index("--")
    startup, libs = argv[2:sep], [a.split("=", 1) for a in argv[sep + 1 :]]

    first_exporter = {}
    got_funcs = set()
    needed = []
    names = {name for name, _ in libs}
    for name, path in libs:
        with open(path, "rb") as f:
            buf = f.read()
        needed += [(name, dep) for dep in dylink.needed(buf) if dep in names]
        for sym, kind in dylink.exports(buf):
            if kind == FUNC and sym not in PLUMBING:
                first_exporter.setdefault(sym, name)
        for module, field, _ in dylink.imports(buf):
            if module == "GOT.func":
                got_funcs.add(field)
    cells = sorted((first_exporter[s], s) for s in got_funcs if s in first_exporter)

    lines = ["(module", "  (@dylink.0 (mem-info (memory %d 2)))" % (4 * len(cells))]
    if cells:
        lines.append('  (import "env" "memory" (memory 0))')
        lines.append('  (import "env" "__memory_base" (global $base i32))')
    for j, (_, sym) in enumerate(cells):
        lines.append('  (import "GOT.func" %s (global $g%d (mut i32)))' % (wat_string(sym), j))
    for k, name in enumerate(startup):
        lines.append("  (global (export %s) i32 (i32.const %d))" % (wat_string("s\0" + name), k))
    for k, (name, dep) in enumerate(needed):
        lines.append("  (global (export %s) i32 (i32.const %d))" % (wat_string("n\0%s\0%s" % (name, dep)), k))
    for j, (lib, sym) in enumerate(cells):
        lines.append("  (global (export %s) i32 (i32.const %d))" % (wat_string("g\0%s\0%s" % (lib, sym)), 4 * j))
    lines.append('  (func (export "__wasm_call_ctors")')
    for j in range(len(cells)):
        lines.append("    (i32.store offset=%d (global.get $base) (global.get $g%d))" % (4 * j, j))
    lines.append("  )")
    lines.append(")")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
