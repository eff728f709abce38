//! The properties the fuzz targets in `fuzz/` check, as plain functions so that every finding
//! can be kept as a unit test with its input as a literal (see `docs/fuzzing.md`).

use crate::dylink::{Dylink, OwnedDylink, Subsection, Subsections, SYM_BINDING_WEAK};
use crate::flags::RtldFlags;
use crate::host::ExternKind;
use crate::linker::{Linker, Scope, SearchEnv};
use crate::linktime::{basename, parse_table, FindError, Name};
use crate::model::{wasm, Exp, Model, ModuleSpec, World};
use crate::search::{candidates, dirname, expand_origin, normalize};
use crate::sections;
use crate::symbols::SymbolTable;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

// ---- module_metadata ---------------------------------------------------------------------

const MAGIC: &[u8] = b"\0asm";

fn split_modules(mut rest: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !rest.is_empty() && out.len() < 8 {
        let next = rest[1..].windows(4).position(|w| w == MAGIC).map_or(rest.len(), |p| p + 1);
        out.push(&rest[..next]);
        rest = &rest[next..];
    }
    out
}

fn world(files: Vec<(String, ModuleSpec)>) -> World {
    let main = ModuleSpec {
        exports: vec![
            ("printf".into(), Exp::Func),
            ("malloc".into(), Exp::Func),
            ("errno".into(), Exp::Global(5000)),
            ("__heap_base".into(), Exp::Global(0x10000)),
            ("__stack_pointer".into(), Exp::Global(0x8000)),
            ("shared".into(), Exp::Func),
        ],
        ..Default::default()
    };
    World {
        files: files.into_iter().collect(),
        table_len: 16,
        heap_next: 0x1_0000,
        instances: vec![(main, Vec::new())],
        ..Default::default()
    }
}

fn assert_empty(l: &Linker<Model>, model: &Model, what: &str) {
    assert_eq!(l.loaded_count(), 1, "{what}: only main is left");
    assert!(model.0.borrow().live_allocs.is_empty(), "{what}: memory released");
}

/// The guest's section parsers read what the host's walker read from the same bytes.
fn same_sections(spec: &ModuleSpec) {
    for (id, s) in &spec.raw_sections {
        let at = s.offset as usize;
        if *id == sections::IMPORT {
            let got = sections::import_list(&s.data, at).expect("an import section the host accepted");
            let got: Vec<(String, String, ExternKind)> =
                got.into_iter().map(|i| (i.module.into(), i.name.into(), i.kind)).collect();
            assert_eq!(got, spec.imports, "imports");
        } else {
            let got = sections::exports(&s.data, at).expect("an export section the host accepted");
            let got = got.into_iter().filter(|(_, k)| matches!(k, ExternKind::Func | ExternKind::Global));
            assert!(got.map(|(n, _)| n).eq(spec.exports.iter().map(|(n, _)| n.as_bytes())), "exports");
        }
    }
}

/// The metadata path the linker takes for whole modules, from arbitrary bytes.
///
/// Input: a mode byte, a line of whitespace-separated library names, `\n`, then one or more
/// WebAssembly modules, each starting with its `\0asm` magic. Module `i` is served by the
/// model host under name `i` of the line (`lib<i>.so` when the line has fewer). The model
/// host reads each module the way a real host does ([`wasm::parse`]: the first `dylink.0`
/// custom section and where it starts, the imports, the exports) and serves the import and
/// export sections as the module holds them, so the guest's [`sections`] parsers read the
/// fuzzer's bytes (and must agree with the host's walker); the linker then does the rest: placement check, `dylink.0` parsing, search, dependencies, memory and table
/// placement, binding (GOT cells, late binding in cycles), instantiation, rollback.
/// Mode bits: 1 NOW, 2 GLOBAL, 4 NODELETE, 8 also open `lib1.so`, 0x20 bind `__cxa_atexit`,
/// 0x40 instantiating the last module fails, 0x80 `LD_LIBRARY_PATH=sub:.`.
///
/// Then `dlsym` of every export through the handle, `RTLD_DEFAULT` and `RTLD_NEXT`, a
/// reopen, and closes. Invariants: no panic (the model host panics on a binding to a slot
/// that does not exist, on an import left unbound and on freeing memory that was not
/// allocated); a failed dlopen loads nothing and reserves no memory; after the last close of
/// libraries opened without `RTLD_NODELETE`, only the main program is left.
pub fn module_metadata(data: &[u8]) {
    let Some((&mode, data)) = data.split_first() else { return };
    let nl = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let header = String::from_utf8_lossy(&data[..nl]);
    let names: Vec<&str> = header.split_whitespace().take(8).collect();
    let modules = split_modules(data.get(nl + 1..).unwrap_or(&[]));
    if modules.is_empty() {
        return;
    }

    let mut files = Vec::new();
    let mut specs = Vec::new();
    for (i, bytes) in modules.iter().enumerate() {
        let name = names.get(i).map_or_else(|| format!("lib{i}.so"), |s| s.to_string());
        // A module the host rejects is "not found" here: the .txt rule of the model makes
        // other ids fail as invalid.
        if let Ok(spec) = wasm::parse(bytes) {
            same_sections(&spec);
            specs.push(spec.clone());
            files.push((name, spec));
        }
    }
    let fail = mode & 0x40 != 0;
    let mut w = world(files.clone());
    if fail {
        if let Some((n, _)) = files.last() {
            w.fail_instantiate.push(n.clone());
        }
    }
    let model = Model::new(w);
    let mut l = Linker::new(model.clone());
    l.main_handle().expect("main");
    if mode & 0x20 != 0 {
        l.set_cxa_atexit_slot(3);
    }
    let env = SearchEnv { ld_library_path: (mode & 0x80 != 0).then_some("sub:.") };

    let mut flags = if mode & 1 != 0 { RtldFlags::NOW } else { RtldFlags::LAZY };
    if mode & 2 != 0 {
        flags |= RtldFlags::GLOBAL;
    }
    if mode & 4 != 0 {
        flags |= RtldFlags::NODELETE;
    }
    let first = names.first().map_or("lib0.so", |s| s);
    let mut opened = Vec::new();
    for (k, name) in [first, "lib1.so"].into_iter().enumerate() {
        if k == 1 && mode & 8 == 0 {
            break;
        }
        let before = l.loaded_count();
        let allocs = model.0.borrow().live_allocs.len();
        match l.open(Some(name), flags, env) {
            Ok(o) => {
                assert_eq!(l.refcount(o.handle.to_raw() as usize).map(|r| r > 0), Some(true));
                opened.push(o.handle.to_raw() as usize);
            }
            Err(e) => {
                let _ = e.to_string();
                assert_eq!(l.loaded_count(), before, "a failed dlopen loads nothing");
                assert_eq!(model.0.borrow().live_allocs.len(), allocs, "a failed dlopen reserves nothing");
                if before == 1 {
                    assert_empty(&l, &model, "after a failed dlopen");
                }
                for n in &names {
                    if let Ok(o) = l.open(Some(n), RtldFlags::NOLOAD, env) {
                        assert!(before > 1, "{n} loaded after a failed dlopen");
                        let c = l.close(o.handle.to_raw() as usize).expect("close of a NOLOAD open");
                        l.finish_close(&c.libs);
                    }
                }
            }
        }
    }
    let table_len = model.0.borrow().table_len;
    for &h in &opened {
        for spec in &specs {
            for (name, _) in &spec.exports {
                for scope in [Scope::Handle(h), Scope::Default, Scope::Next { caller: 0x1_0000 }] {
                    if let Ok(v) = l.sym(scope, name.as_bytes()) {
                        let _ = v;
                    }
                }
            }
        }
        let _ = table_len;
        // A reopen is the same handle and runs no constructor again.
        let again = l.open(Some(first), RtldFlags::NOLOAD | RtldFlags::LAZY, env);
        if let Ok(a) = again {
            assert!(a.init.is_empty());
            l.close(a.handle.to_raw() as usize).expect("close of a reopen");
        }
    }
    // Close everything that was opened, then once more (an error).
    for &h in &opened {
        match l.close(h) {
            Ok(c) => l.finish_close(&c.libs),
            Err(e) => panic!("close of an open handle: {e}"),
        }
    }
    if let Some(&h) = opened.first() {
        let _ = l.close(h);
    }
    if !opened.is_empty() && !flags.contains(RtldFlags::NODELETE) {
        assert_empty(&l, &model, "after the last dlclose");
    }
    assert!(l.slots_used() <= 1 + 2 * specs.len().max(1) + 1);
}

// ---- dylink_parse ------------------------------------------------------------------------

const BASE: usize = 19;

/// `Dylink::parse` and `Subsections` on arbitrary bytes: never panic; every error offset lies
/// within the payload (in module-binary coordinates); the result does not depend on where the
/// payload sits in the binary except for the offsets it reports; `Dylink::parse` folds what
/// the iterator yields, and each of its lists yields as many entries as its count says.
pub fn dylink_parse(data: &[u8]) {
    let end = BASE + data.len();
    let at_base = Dylink::parse(data, BASE);
    let at_zero = Dylink::parse(data, 0);
    match (&at_base, &at_zero) {
        (Ok(a), Ok(z)) => {
            assert_eq!(a, z);
            assert!(a.mem_info.memory_align < 32 && a.mem_info.table_align < 32);
            let owned = OwnedDylink::from(a);
            for &(m, f) in &a.weak_imports {
                assert!(a.is_weak_import(m, f) && owned.is_weak_import(m, f));
            }
        }
        (Err(a), Err(z)) => {
            assert_eq!(a.reason, z.reason);
            assert_eq!(a.offset, z.offset + BASE);
            assert!(a.offset >= BASE && a.offset <= end, "error offset {} outside {BASE}..={end}", a.offset);
            let _ = a.to_string();
        }
        _ => panic!("result depends on the base offset"),
    }

    // The iterator: stops after the first error; unknown subsections stay inside the payload;
    // the same at base 0 except for offsets.
    let mut seen_error = false;
    let mut folded = Dylink::default();
    let mut at_zero = Subsections::new(data, 0);
    for sub in Subsections::new(data, BASE) {
        assert!(!seen_error, "an item after an error");
        match &sub {
            Ok(Subsection::MemInfo(m)) => folded.mem_info = *m,
            Ok(Subsection::Needed(l)) => {
                assert_eq!(l.clone().count(), l.len());
                folded.needed.extend(l.clone());
            }
            Ok(Subsection::RuntimePath(l)) => {
                assert_eq!(l.clone().count(), l.len());
                folded.runtime_path.extend(l.clone());
            }
            Ok(Subsection::ImportInfo(l)) => {
                assert_eq!(l.clone().count(), l.len());
                let weak = l.clone().filter(|i| i.flags & SYM_BINDING_WEAK != 0);
                folded.weak_imports.extend(weak.map(|i| (i.module, i.field)));
            }
            Ok(Subsection::ExportInfo(l)) => assert_eq!(l.clone().count(), l.len()),
            Ok(Subsection::Unknown { offset, data: body, .. }) => {
                assert!(*offset >= BASE && offset + body.len() <= end);
            }
            Err(e) => {
                assert!(e.offset >= BASE && e.offset <= end);
                seen_error = true;
            }
        }
        match (sub, at_zero.next().expect("as many subsections at base 0")) {
            (Ok(Subsection::Unknown { id, offset, data }), Ok(Subsection::Unknown { id: i, offset: o, data: d })) => {
                assert_eq!((id, offset, data), (i, o + BASE, d));
            }
            (Ok(a), Ok(z)) => assert_eq!(a, z),
            (Err(a), Err(z)) => assert_eq!((a.offset, a.reason), (z.offset + BASE, z.reason)),
            _ => panic!("subsections depend on the base offset"),
        }
    }
    assert!(at_zero.next().is_none(), "as many subsections at base 0");
    assert_eq!(seen_error, at_base.is_err());
    if let Ok(parsed) = at_base {
        assert_eq!(parsed, folded, "Dylink::parse folds the subsections");
    }
}

// ---- sections -----------------------------------------------------------------------------

/// Where `needle` occurs in `hay` at or after `from`: the end of the first occurrence.
fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p + needle.len())
}

/// `sections::imports` and `sections::exports` on the same arbitrary bytes. Input: the
/// payload's offset in the module binary (`base`, u64 LE, taken as a `usize`), then the
/// payload. Properties: no panic; an error offset lies in `base..=base + payload.len()`;
/// every export name is a subslice of the payload; every import's module and name are valid
/// UTF-8 (they are `String`s) and occur in the payload, in order; parsing twice gives the
/// same result; and (when `base + payload.len()` fits in a `usize`) parsing at 0 gives the
/// same result with offsets `base` lower.
pub fn sections(data: &[u8]) {
    let Some((b, payload)) = data.split_first_chunk::<8>() else { return };
    let base = u64::from_le_bytes(*b) as usize;
    let fits = base.checked_add(payload.len()).is_some();
    let in_range = |offset: usize| offset >= base && offset - base <= payload.len();

    let imports = sections::import_list(payload, base);
    assert_eq!(imports, sections::import_list(payload, base), "imports: deterministic");
    match &imports {
        Ok(list) => {
            assert!(list.len() <= payload.len());
            let mut at = 0;
            for i in list {
                for s in [&i.module, &i.name] {
                    assert!(core::str::from_utf8(s.as_bytes()).is_ok());
                    at = find_from(payload, s.as_bytes(), at)
                        .unwrap_or_else(|| panic!("import name {s:?} is not in the payload after byte {at}"));
                }
            }
        }
        Err(e) => {
            assert!(in_range(e.offset), "import error offset {} outside {base}+{}", e.offset, payload.len());
            let _ = e.to_string();
        }
    }
    if fits {
        match (&imports, sections::import_list(payload, 0)) {
            (Ok(a), Ok(z)) => assert_eq!(a, &z),
            (Err(a), Err(z)) => assert_eq!((a.offset, a.reason), (z.offset + base, z.reason)),
            _ => panic!("imports: the result depends on the base offset"),
        }
    }

    let exports = sections::exports(payload, base);
    assert_eq!(exports, sections::exports(payload, base), "exports: deterministic");
    match &exports {
        Ok(list) => {
            assert!(list.len() <= payload.len());
            let whole = payload.as_ptr_range();
            for (name, _) in list {
                let r = name.as_ptr_range();
                assert!(r.start >= whole.start && r.end <= whole.end, "export name outside the payload");
            }
            // A symbol table answers the same before it is indexed (scanning the payload) as
            // after, for every name exported once (a valid module has no duplicates).
            let indexed = SymbolTable::from_export_section(payload.to_vec(), base);
            let _ = indexed.len();
            for (name, _) in list.iter().filter(|(n, _)| list.iter().filter(|(m, _)| m == n).count() == 1) {
                let scanning = SymbolTable::from_export_section(payload.to_vec(), base);
                assert_eq!(scanning.get(name), indexed.get(name), "scan and index disagree");
            }
            let missing: &[u8] = b"\xff not exported";
            if !list.iter().any(|(n, _)| *n == missing) {
                let scanning = SymbolTable::from_export_section(payload.to_vec(), base);
                assert_eq!((scanning.get(missing), indexed.get(missing)), (None, None));
            }
        }
        Err(e) => {
            assert!(in_range(e.offset), "export error offset {} outside {base}+{}", e.offset, payload.len());
            let _ = e.to_string();
        }
    }
    if fits {
        match (&exports, sections::exports(payload, 0)) {
            (Ok(a), Ok(z)) => assert_eq!(a, &z),
            (Err(a), Err(z)) => assert_eq!((a.offset, a.reason), (z.offset + base, z.reason)),
            _ => panic!("exports: the result depends on the base offset"),
        }
    }
}

// ---- search_paths ------------------------------------------------------------------------

fn check_normal(path: &str) {
    let n = normalize(path);
    assert_eq!(normalize(&n), n, "normalize is idempotent on {path:?}");
    assert!(!n.is_empty());
    if n != "." && n != "/" {
        let body = n.strip_prefix('/').unwrap_or(&n);
        for part in body.split('/') {
            assert!(!part.is_empty() && part != ".", "{n:?} from {path:?}");
            assert!(!(n.starts_with('/') && part == ".."), "{n:?} climbs above /");
        }
    }
    assert_eq!(n.starts_with('/'), path.starts_with('/'));
}

/// Library name handling on arbitrary text. Input lines: the name, `LD_LIBRARY_PATH`, the
/// requesting library's id (its directory is `$ORIGIN`), then RUNPATH entries.
/// Properties: no panic; `normalize` is idempotent and yields no empty or `.` component and,
/// in absolute paths, no `..`; `candidates` has no duplicates, only normal ids, starts with
/// the normalised name, and is exactly that for a name containing `/`; `dirname` is a prefix
/// of its argument.
pub fn search_paths(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let name = lines.next().unwrap_or("");
    let ld = lines.next();
    let requester = lines.next().unwrap_or("");
    let runpath: Vec<&str> = lines.collect();

    check_normal(name);
    check_normal(requester);
    let origin = dirname(requester);
    assert!(requester.starts_with(origin) || origin == ".");

    let c = candidates(name, ld, &runpath, origin);
    assert_eq!(c[0], normalize(name));
    for (i, a) in c.iter().enumerate() {
        assert!(!c[i + 1..].contains(a), "duplicate candidate {a:?}");
        assert_eq!(&normalize(a), a, "candidates are normal");
    }
    if name.contains('/') {
        assert_eq!(c.len(), 1);
    }
    for entry in &runpath {
        let e = expand_origin(entry, origin);
        if !entry.contains('$') {
            assert_eq!(&e, entry);
        }
    }
}

// ---- linktime_table ----------------------------------------------------------------------

/// `linktime::parse_table` on arbitrary memory. Input: base address (u32 LE), root offset
/// from the base (u32 LE), then the memory. No panic; on success: the first library of each
/// name is found by that name, and by its basename unless another library shares it; records
/// round-trip; a library's symbols lie inside the memory, no more than its record claims, and
/// each is found by its name with the value of its first entry.
pub fn linktime_table(data: &[u8]) {
    if data.len() < 8 {
        return;
    }
    let word = |i: usize| u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
    let base = word(0);
    let root = base.wrapping_add(word(4));
    let mem = &data[8..];
    let Ok(t) = parse_table(mem, base, root) else { return };
    let index_of = |name: &[u8]| t.find(name).map(|l| t.by_record(l.record).expect("a record of the table"));
    let libs: Vec<(usize, _)> = (0..t.len()).filter_map(|i| Some((i, t.get(i)?))).collect();
    assert!(libs.iter().map(|&(_, l)| l).eq(t.libraries()));
    let inside = |n: Name<'_>| {
        let at = u64::from(n.address());
        at >= u64::from(base) && at + n.len() as u64 <= u64::from(base) + mem.len() as u64
    };
    for &(i, lib) in &libs {
        assert!(inside(lib.name));
        let name = lib.name.to_vec();
        assert!(lib.name.is(&name));
        assert_eq!(t.by_record(lib.record), Some(i));
        let first = libs.iter().find(|(_, l)| l.name == lib.name).unwrap().0;
        assert_eq!(index_of(&name), Ok(first));
        let short = basename(&name);
        let exact = libs.iter().find(|(_, l)| l.name.is(short)).map(|l| l.0);
        let others = libs.iter().any(|(_, l)| l.name.with(|n| basename(n) == short) && l.name != lib.name);
        match index_of(short) {
            Ok(j) if Some(j) == exact => {}
            Ok(j) => assert!(exact.is_none() && !others && t.get(j).unwrap().name == lib.name),
            Err(FindError::Ambiguous) => assert!(exact.is_none() && others),
            Err(FindError::NotFound) => assert!(short.is_empty() && exact.is_none()),
        }
        let syms: Vec<_> = lib.symbols().collect();
        let claimed = word(8 + (lib.record - base) as usize + 8);
        assert!(syms.len() as u64 <= claimed as u64);
        for s in &syms {
            assert!(inside(s.name));
            let first = syms.iter().find(|x| x.name == s.name).unwrap();
            assert_eq!(lib.symbol(&s.name.to_vec()), Some(first.value));
        }
        let _ = lib.symbol(mem.get(..4).unwrap_or(&[]));
    }
    let _ = t.find(&mem[..mem.len().min(16)]);
    assert!(t.get(t.len()).is_none());
}

#[cfg(test)]
mod regressions {
    //! Inputs the fuzz targets found, kept as literals.
    use super::*;

    /// `sections`: base `usize::MAX` (on wasm32, a section offset near 4 GiB) made the
    /// reader's offset arithmetic overflow; now an error at `base`.
    #[test]
    fn sections_base_overflow() {
        sections(&[
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f,
            0x72, 0x02, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x0d, 0x7e, 0x5f, 0x5f, 0x6d, 0x65, 0x4c, 0x6f, 0x72, 0x79,
            0x5f, 0x62, 0x2d, 0x00, 0x00, 0x03, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02,
            0x00, 0x00, 0x5f, 0x62, 0x61, 0x73, 0x67, 0x03, 0x7f, 0x00,
        ]);
    }
}
