#!/usr/bin/env python3
"""Read the bits of a WebAssembly dylink.0 side module that our scripts need.

    scripts/dylink.py needed LIB.so      # NEEDED entries, one per line
    scripts/dylink.py exports LIB.so     # export names, one per line
    scripts/dylink.py imports LIB.so     # module.name, one per line
    scripts/dylink.py tls LIB.so         # "thread-local storage" if it keeps real TLS
    scripts/dylink.py unresolved PROGRAM LIB.so...
                                         # "LIB.so<TAB>names" for each library importing
                                         # symbols that no one of them exports
    scripts/dylink.py rename-export OLD NEW IN OUT [IN OUT]...
                                         # each IN with its export OLD renamed NEW, to OUT
                                         # (IN unchanged when it has no export OLD)
    scripts/dylink.py drop-needed NAME IN OUT [IN OUT]...
                                         # each IN without its NEEDED entry NAME, to OUT

Written from the tool-conventions DynamicLinking.md description of the format.
"""
import sys

DYLINK_NEEDED = 2
DYLINK_EXPORT_INFO = 3
WASM_SYM_TLS = 0x100
NAME_GLOBALS = 7


def _leb(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def _name(buf, pos):
    n, pos = _leb(buf, pos)
    return buf[pos:pos + n].decode("utf-8"), pos + n


def sections_at(buf):
    """Yield (id, offset of the payload in buf, payload) for each section of a core module."""
    if buf[:4] != b"\0asm" or buf[4:8] != b"\x01\0\0\0":
        raise ValueError("not a core WebAssembly module")
    pos = 8
    while pos < len(buf):
        sid = buf[pos]
        size, pos = _leb(buf, pos + 1)
        yield sid, pos, buf[pos:pos + size]
        pos += size


def sections(buf):
    """Yield (id, payload) for each section of a core module."""
    for sid, _, payload in sections_at(buf):
        yield sid, payload


def is_side_module(buf):
    for sid, payload in sections(buf):
        if sid == 0:
            name, _ = _name(payload, 0)
            return name in ("dylink.0", "dylink")
        return False
    return False


def needed(buf):
    out = []
    for sid, payload in sections(buf):
        if sid != 0:
            continue
        name, pos = _name(payload, 0)
        if name != "dylink.0":
            continue
        while pos < len(payload):
            kind = payload[pos]
            size, pos = _leb(payload, pos + 1)
            end = pos + size
            if kind == DYLINK_NEEDED:
                count, p = _leb(payload, pos)
                for _ in range(count):
                    lib, p = _name(payload, p)
                    out.append(lib)
            pos = end
    return out


def _subsections(payload, pos):
    """Yield (id, body) for each subsection of a custom section from `pos`."""
    while pos < len(payload):
        kind = payload[pos]
        size, pos = _leb(payload, pos + 1)
        yield kind, payload[pos:pos + size]
        pos += size


def uses_tls(buf):
    """True if the module keeps real thread-local storage (built with -pthread): an export
    flagged WASM_SYM_TLS in dylink.0, or a global named __tls_base in the name section. libdl
    refuses such modules at dlopen (src/linker/load.rs says why)."""
    for sid, payload in sections(buf):
        if sid != 0:
            continue
        name, pos = _name(payload, 0)
        for kind, body in _subsections(payload, pos) if name in ("dylink.0", "name") else ():
            if name == "dylink.0" and kind == DYLINK_EXPORT_INFO:
                count, p = _leb(body, 0)
                for _ in range(count):
                    _, p = _name(body, p)
                    flags, p = _leb(body, p)
                    if flags & WASM_SYM_TLS:
                        return True
            elif name == "name" and kind == NAME_GLOBALS:
                count, p = _leb(body, 0)
                for _ in range(count):
                    _, p = _leb(body, p)
                    glob, p = _name(body, p)
                    if glob == "__tls_base":
                        return True
    return False


def _import_desc_skip(buf, pos):
    kind = buf[pos]
    pos += 1
    if kind == 0:            # func: type index
        _, pos = _leb(buf, pos)
    elif kind == 1:          # table: reftype + limits
        pos += 1
        pos = _limits_skip(buf, pos)
    elif kind == 2:          # memory: limits
        pos = _limits_skip(buf, pos)
    elif kind == 3:          # global: valtype + mut
        pos += 2
    elif kind == 4:          # tag: attribute + type index
        _, pos = _leb(buf, pos + 1)
    else:
        raise ValueError("unknown import kind %d" % kind)
    return kind, pos


def _limits_skip(buf, pos):
    flags = buf[pos]
    _, pos = _leb(buf, pos + 1)
    if flags & 1:
        _, pos = _leb(buf, pos)
    return pos


def imports(buf):
    out = []
    for sid, payload in sections(buf):
        if sid != 2:
            continue
        count, pos = _leb(payload, 0)
        for _ in range(count):
            module, pos = _name(payload, pos)
            field, pos = _name(payload, pos)
            kind, pos = _import_desc_skip(payload, pos)
            out.append((module, field, kind))
    return out


def exports(buf):
    out = []
    for sid, payload in sections(buf):
        if sid != 7:
            continue
        count, pos = _leb(payload, 0)
        for _ in range(count):
            field, pos = _name(payload, pos)
            kind = payload[pos]
            _, pos = _leb(payload, pos + 1)
            out.append((field, kind))
    return out


def _uleb_bytes(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _name_bytes(name):
    raw = name.encode("utf-8")
    return _uleb_bytes(len(raw)) + raw


def rename_export(buf, old, new):
    """buf with its export `old` renamed `new` (the export section rebuilt, every other byte
    kept), or buf itself when it exports no `old`."""
    header = 8
    for sid, start, payload in sections_at(buf):
        if sid != 7:
            header = start + len(payload)
            continue
        count, pos = _leb(payload, 0)
        entries = bytearray(_uleb_bytes(count))
        found = False
        for _ in range(count):
            field, pos = _name(payload, pos)
            desc_start = pos
            _, pos = _leb(payload, pos + 1)
            if field == old:
                field, found = new, True
            entries += _name_bytes(field) + payload[desc_start:pos]
        if not found:
            return buf
        # (header: where this section's id byte is, whatever its size's encoding)
        return (buf[:header] + bytes([7]) + _uleb_bytes(len(entries)) + bytes(entries)
                + buf[start + len(payload):])
    return buf


def drop_needed(buf, lib):
    """buf without the NEEDED entry `lib` in its dylink.0 section (the section rebuilt, every
    other byte kept), or buf itself when it has no such entry."""
    for sid, start, payload in sections_at(buf):
        if sid != 0:
            return buf  # dylink.0 is the first section or absent
        name, pos = _name(payload, 0)
        if name != "dylink.0":
            return buf
        body = bytearray(payload[:pos])
        found = False
        for kind, sub in _subsections(payload, pos):
            if kind == DYLINK_NEEDED:
                count, p = _leb(sub, 0)
                names = []
                for _ in range(count):
                    dep, p = _name(sub, p)
                    names.append(dep)
                if lib in names:
                    found = True
                    names.remove(lib)
                    sub = _uleb_bytes(len(names)) + b"".join(_name_bytes(n) for n in names)
            body += bytes([kind]) + _uleb_bytes(len(sub)) + sub
        if not found:
            return buf
        return buf[:8] + bytes([0]) + _uleb_bytes(len(body)) + bytes(body) + buf[start + len(payload):]
    return buf


def unresolved(program, libs):
    """Per library (path -> sorted names): the functions it imports from `env` and the symbols
    of its GOT entries that neither the program (a module linked -rdynamic, whose exports are
    what runtime-mode dlopen binds to) nor any of the libraries exports."""
    provided = set()
    bufs = {}
    for path in [program] + list(libs):
        with open(path, "rb") as f:
            bufs[path] = f.read()
        provided.update(name for name, _ in exports(bufs[path]))
    out = {}
    for path in libs:
        missing = sorted({field for module, field, kind in imports(bufs[path])
                          if ((module == "env" and kind == 0) or module in ("GOT.func", "GOT.mem"))
                          and field not in provided})
        if missing:
            out[path] = missing
    return out


def main(argv):
    if len(argv) >= 4 and argv[1] == "unresolved":
        for path, names in unresolved(argv[2], argv[3:]).items():
            print("%s\t%s" % (path, " ".join(names)))
        return 0
    # Rewriting subcommands: their own arguments, then IN OUT pairs.
    rewrites = {"rename-export": (2, rename_export), "drop-needed": (1, drop_needed)}
    if len(argv) >= 2 and argv[1] in rewrites:
        nargs, rewrite = rewrites[argv[1]]
        own, pairs = argv[2:2 + nargs], argv[2 + nargs:]
        if len(own) < nargs or not pairs or len(pairs) % 2:
            print(__doc__.strip(), file=sys.stderr)
            return 2
        for src, dst in zip(pairs[0::2], pairs[1::2]):
            with open(src, "rb") as f:
                buf = f.read()
            with open(dst, "wb") as f:
                f.write(rewrite(buf, *own))
        return 0
    if len(argv) != 3 or argv[1] not in ("needed", "exports", "imports", "tls"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[2], "rb") as f:
        buf = f.read()
    if argv[1] == "needed":
        for lib in needed(buf):
            print(lib)
    elif argv[1] == "tls":
        if uses_tls(buf):
            print("thread-local storage")
    elif argv[1] == "exports":
        for name, _ in exports(buf):
            print(name)
    else:
        for module, field, _ in imports(buf):
            print("%s.%s" % (module, field))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
