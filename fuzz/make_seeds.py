#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/seeds/ from the side modules that
`cargo test --test runtime` (and the catalogue tests) build into target/c-tests/ (whole
modules, their dylink.0 payloads, and import/export section payloads), the real
link-time table in src/linktime.rs, and a few hand-written name lists."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import dylink  # noqa: E402  (scripts/dylink.py: the section walker the link tool uses)
C = ROOT / "target" / "c-tests"
SEEDS = ROOT / "fuzz" / "seeds"


def dylink_payload(module):
    for sid, _, payload in dylink.sections_at(module):
        if sid == 0:
            name, p = dylink._name(payload, 0)
            if name == "dylink.0":
                return payload[p:]
    return None


def section_payloads(module):
    """{id: (offset of the payload in the module, payload)} of the non-custom sections."""
    out = {}
    for sid, offset, payload in dylink.sections_at(module):
        if sid != 0:
            out.setdefault(sid, (offset, payload))
    return out


def write(target, name, data):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


# module_metadata: mode byte, names line, modules.
GROUPS = {
    "good": (0x01, ["badinput/libgood.so"]),
    "deps": (0x01, ["deps/liba.so", "deps/libb.so"]),
    "deps_global": (0x0B, ["deps/liba.so", "deps/libb.so"]),
    "cycle": (0x01, ["cycle/libcyc_a.so", "cycle/libcyc_b.so"]),
    "scope": (0x03, ["scope/libuser.so", "scope/libprovider.so", "scope/libdup.so"]),
    "runpath": (0x81, ["runpath/plugins/libtop.so", "runpath/plugins/deps/libdep.so"]),
    "pointers": (0x21, ["pointers/libptr.so"]),
    "nodelete": (0x05, ["refs/libnodelete.so"]),
    "weak": (0x01, ["weak/libweak.so"]),
    "unres_fn": (0x01, ["badinput/libunres_fn.so"]),
    "unres_data": (0x01, ["badinput/libunres_data.so"]),
    "needs_gone": (0x01, ["badinput/libneeds_gone.so"]),
    "ctor_dlopen": (0x01, ["ctor_dlopen/libouter.so", "ctor_dlopen/libinner.so"]),
    "mainsym": (0x01, ["mainsym/libmainsym.so"]),
    "next": (0x03, ["next/libnext1.so", "next/libnext2.so"]),
    "linktime_deps": (0x41, ["linktime_deps/liba.so", "linktime_deps/libb.so"]),
    "self": (0x01, ["catalogue/libself.so"]),
    "hugemem": (0x01, ["catalogue/libhugemem.so"]),
    "notfirst": (0x01, ["catalogue/libnotfirst.so"]),
    "chain": (0x01, ["catalogue/libchain_a.so", "catalogue/libchain_b.so", "catalogue/libchain_c.so"]),
}
for seed, (mode, paths) in GROUPS.items():
    files = [C / p for p in paths]
    if not all(f.exists() for f in files):
        print("skipped", seed)
        continue
    names = " ".join(f.name if "runpath" not in str(f) else str(f.relative_to(C / "runpath")) for f in files)
    data = bytes([mode]) + names.encode() + b"\n" + b"".join(f.read_bytes() for f in files)
    write("module_metadata", seed, data)

# dylink_parse: the distinct payloads of the modules the tests build.
seen = set()
for f in sorted(C.glob("**/lib*.so")):
    m = f.read_bytes()
    if m[:4] != b"\0asm":
        continue
    p = dylink_payload(m)
    if p and p not in seen:
        seen.add(p)
        write("dylink_parse", f.parent.name + "_" + f.stem, p)

# sections: base (u64 LE, the payload's real offset), then the import (2) or export (7)
# section payload of a few side modules: plain, weak, TLS, function pointers, a cycle.
for path in ["badinput/libgood.so", "weak/libweak.so", "pointers/libptr.so", "cycle/libcyc_a.so",
             "catalogue/libself.so"]:
    f = C / path
    if not f.exists():
        print("skipped", path)
        continue
    secs = section_payloads(f.read_bytes())
    for sid, what in [(2, "imports"), (7, "exports")]:
        if sid in secs:
            off, payload = secs[sid]
            write("sections", f"{f.stem}_{what}", off.to_bytes(8, "little") + payload)

# linktime_table: base, root offset, memory (the REAL table of src/linktime.rs).
src = (ROOT / "src" / "linktime.rs").read_text()
body = re.search(r"const REAL: &\[u8\] = &\[(.*?)\];", src, re.S).group(1)
real = bytes(int(x, 16) for x in re.findall(r"0x[0-9a-f]{2}", body))
write("linktime_table", "real", (0x100000).to_bytes(4, "little") + (0xC0).to_bytes(4, "little") + real)

# search_paths: name, LD_LIBRARY_PATH, requesting library, RUNPATH entries.
for i, text in enumerate([
    "libz.so\nl1::/l2\nplugins/libtop.so\n$ORIGIN/deps:${ORIGIN}/../x",
    "./sub/../x.so\n\n/abs/lib.so",
    "a.so\n.:./\nlib.so\n$ORIGIN",
    "../../up.so\n/a/../b\n../p/q.so\n$ORIGIN/..\n/$ORIGIN//.",
]):
    write("search_paths", f"s{i}", text.encode())
