//! Linker unit tests against the model host (`crate::model`, host target).

use super::*;
use crate::host::{ExternKind, ImportValue};
use crate::model::*;
use alloc::string::ToString;
use alloc::vec;

// ---- tests -----------------------------------------------------------------------------

#[test]
fn binds_env_imports_and_places_memory() {
    let foo = with_import(side(64, &[], &[]), "env", "printf", ExternKind::Func);
    let foo = with_import(foo, "GOT.mem", "errno", ExternKind::Global);
    let (mut l, model) = setup(vec![("libfoo.so", foo)]);
    let o = open(&mut l, "./libfoo.so", NOW).unwrap();
    assert_eq!(o.init.len(), 1, "__wasm_call_ctors");
    assert_eq!(binding(&model, 1, "memory"), ImportValue::CallerMemory);
    assert_eq!(binding(&model, 1, "__memory_base"), ImportValue::ConstI32(0x1_0000));
    assert_eq!(binding(&model, 1, "__stack_pointer"), ImportValue::CallerExport);
    let printf_slot = l.sym(Scope::Default, b"printf").unwrap();
    assert_eq!(binding(&model, 1, "printf"), ImportValue::FuncSlot(printf_slot));
    let ImportValue::Cell(c) = binding(&model, 1, "errno") else { panic!() };
    assert_eq!(model.0.borrow().cells[c], 5000);
}

#[test]
fn own_got_entries_are_filled_after_instantiation() {
    let m = with_import(side(16, &[], &[]), "GOT.mem", "counter", ExternKind::Global);
    let m = with_import(m, "GOT.func", "cb", ExternKind::Global);
    let m = with_export(with_export(m, "counter", Exp::Global(8)), "cb", Exp::Func);
    let (mut l, model) = setup(vec![("libm.so", m)]);
    let o = open(&mut l, "libm.so", NOW).unwrap();
    let ImportValue::Cell(c) = binding(&model, 1, "counter") else { panic!() };
    assert_eq!(model.0.borrow().cells[c], 0x1_0000 + 8);
    let ImportValue::Cell(f) = binding(&model, 1, "cb") else { panic!() };
    let cb = l.sym(Scope::Handle(raw(&o)), b"cb").unwrap();
    assert_eq!(model.0.borrow().cells[f], cb as i32, "one slot per function");
    assert_eq!(l.sym(Scope::Handle(raw(&o)), b"counter").unwrap(), 0x1_0000 + 8);
}

#[test]
fn weak_imports_resolve_to_zero_and_traps() {
    let m = with_import(side(0, &[], &["GOT.mem.opt", "env.maybe"]), "GOT.mem", "opt", ExternKind::Global);
    let m = with_import(m, "env", "maybe", ExternKind::Func);
    let (mut l, model) = setup(vec![("w.so", m)]);
    open(&mut l, "w.so", NOW).unwrap();
    let ImportValue::Cell(c) = binding(&model, 1, "opt") else { panic!() };
    assert_eq!(model.0.borrow().cells[c], 0);
    assert!(matches!(binding(&model, 1, "maybe"), ImportValue::Unresolved(m) if m.contains("maybe")));
}

#[test]
fn unresolved_import_fails_and_loads_nothing() {
    let dep = with_export(side(8, &[], &[]), "dep_fn", Exp::Func);
    let m = with_import(side(8, &["libdep.so"], &[]), "env", "nowhere", ExternKind::Func);
    let (mut l, model) = setup(vec![("libdep.so", dep), ("bad.so", m)]);
    let e = open(&mut l, "bad.so", NOW).unwrap_err();
    assert_eq!(e.to_string(), "bad.so: undefined symbol: nowhere (import env.nowhere)");
    assert_eq!(l.loaded_count(), 1, "only main is left");
    assert!(model.0.borrow().live_allocs.is_empty(), "memory released");
    assert!(
        matches!(open(&mut l, "libdep.so", NOW | RtldFlags::NOLOAD), Err(e) if matches!(e.kind(), ErrorKind::NotLoaded))
    );
}

#[test]
fn dependencies_load_first_and_init_in_order() {
    let b = with_export(side(8, &[], &[]), "b_fn", Exp::Func);
    let a = with_import(side(8, &["libb.so"], &[]), "env", "b_fn", ExternKind::Func);
    let a = with_export(a, "a_fn", Exp::Func);
    let (mut l, model) = setup(vec![("liba.so", a), ("libb.so", b)]);
    let o = open(&mut l, "liba.so", NOW).unwrap();
    assert_eq!(model.0.borrow().loads, vec!["liba.so", "libb.so"]);
    let slots = model.0.borrow().slots.clone();
    let ctor = |inst| slots[&(inst, "__wasm_call_ctors".to_string())];
    assert_eq!(o.init, vec![ctor(1), ctor(2)], "libb (instance 1) before liba (instance 2)");
    // dlsym on liba's handle sees its dependency; RTLD_DEFAULT does not (LOCAL).
    assert!(l.sym(Scope::Handle(raw(&o)), b"b_fn").is_ok());
    assert!(l.sym(Scope::Default, b"a_fn").is_err());
    // libb was never opened itself: its count is 0, and it stays loaded only because liba
    // reaches it. Closing liba unloads both, dependent first.
    let hb = l.by_name.get("libb.so").expect("loaded as a dependency");
    assert_eq!(l.libs.get(hb).unwrap().refs, 0);
    assert!(
        matches!(l.close(hb.to_raw() as usize), Err(e) if matches!(e.kind(), ErrorKind::InvalidHandle { .. })),
        "a dependency nobody opened cannot be closed"
    );
    let c = l.close(raw(&o)).unwrap();
    assert_eq!(c.libs, vec![o.handle, hb]);
    l.finish_close(&c.libs);
    assert_eq!(l.loaded_count(), 1);
}

#[test]
fn refcounts_and_same_handle_on_reopen() {
    let (mut l, _) = setup(vec![("x.so", side(4, &[], &[]))]);
    let a = open(&mut l, "x.so", NOW).unwrap();
    let b = open(&mut l, "./x.so", RtldFlags::LAZY).unwrap();
    assert_eq!(a.handle, b.handle);
    assert!(b.init.is_empty(), "constructors run once");
    assert_eq!(l.refcount(raw(&a)), Some(2));
    assert!(l.close(raw(&a)).unwrap().libs.is_empty());
    let c = l.close(raw(&a)).unwrap();
    assert_eq!(c.libs.len(), 1);
    l.finish_close(&c.libs);
    assert!(matches!(l.close(raw(&a)), Err(e) if matches!(e.kind(), ErrorKind::InvalidHandle { .. })));
    let again = open(&mut l, "x.so", NOW).unwrap();
    assert_ne!(again.handle, a.handle, "a new handle, the old one stays stale");
    assert_eq!(l.slots_used(), 2, "main + one reused slot");
}

#[test]
fn one_file_under_two_names_is_one_library() {
    let file = ModuleSpec { file_id: Some(7), ..side(4, &[], &[]) };
    let other = ModuleSpec { file_id: Some(8), ..side(4, &[], &[]) };
    let needs_alias = ModuleSpec { file_id: Some(9), ..side(4, &["alias.so"], &[]) };
    let (mut l, model) = setup(vec![
        ("libx.so", file.clone()),
        ("alias.so", file),
        ("other.so", other),
        ("needs_alias.so", needs_alias),
    ]);
    assert!(open(&mut l, "alias.so", NOW | RtldFlags::NOLOAD).is_err(), "nothing loaded yet");
    let a = open(&mut l, "libx.so", NOW).unwrap();
    let b = open(&mut l, "alias.so", NOW | RtldFlags::NOLOAD).unwrap();
    assert_eq!(a.handle, b.handle, "a symlink gives the same handle");
    assert!(b.init.is_empty(), "constructors run once");
    assert_eq!(l.refcount(raw(&a)), Some(2));
    let n = open(&mut l, "needs_alias.so", NOW).unwrap();
    assert_eq!(l.libs.get(n.handle).unwrap().deps, vec![a.handle], "a NEEDED alias is the loaded library");
    let o = open(&mut l, "other.so", NOW).unwrap();
    assert_ne!(o.handle, a.handle, "another file is another library");
    assert_eq!(model.0.borrow().instances.len(), 4, "main, libx, needs_alias, other: instantiated once each");
    assert_eq!(l.libs.get(a.handle).unwrap().name, "libx.so", "named as first loaded");
}

#[test]
fn global_promotion_and_default_scope() {
    let g = with_export(side(4, &[], &[]), "gsym", Exp::Func);
    let (mut l, _) = setup(vec![("g.so", g)]);
    let o = open(&mut l, "g.so", NOW | RtldFlags::LOCAL).unwrap();
    assert!(l.sym(Scope::Default, b"gsym").is_err());
    open(&mut l, "g.so", RtldFlags::NOLOAD | RtldFlags::GLOBAL).unwrap();
    assert_eq!(l.sym(Scope::Default, b"gsym").unwrap(), l.sym(Scope::Handle(raw(&o)), b"gsym").unwrap());
    let main = l.open(None, NOW, ENV).unwrap();
    assert!(l.sym(Scope::Handle(raw(&main)), b"gsym").is_ok(), "dlopen(NULL) sees global libs");
}

#[test]
fn first_global_definition_wins_and_next_skips_caller() {
    let a = with_export(side(4, &[], &[]), "shared", Exp::Func);
    let b = with_export(side(4, &[], &[]), "shared", Exp::Func);
    let (mut l, _) = setup(vec![("a.so", a), ("b.so", b)]);
    let oa = open(&mut l, "a.so", NOW | RtldFlags::GLOBAL).unwrap();
    open(&mut l, "b.so", NOW | RtldFlags::GLOBAL).unwrap();
    let main_shared = l.sym(Scope::Default, b"shared").unwrap();
    let a_shared = l.sym(Scope::Handle(raw(&oa)), b"shared").unwrap();
    assert_ne!(main_shared, a_shared, "main's definition interposes");
    // From main, RTLD_NEXT finds a.so's; from a.so (its memory base), b.so's.
    assert_eq!(l.sym(Scope::Next { caller: 0 }, b"shared").unwrap(), a_shared);
    let a_base = l.libs.get(oa.handle).unwrap().mem_base;
    let b_shared = l.sym(Scope::Next { caller: a_base }, b"shared").unwrap();
    assert_ne!(b_shared, a_shared);
    assert!(l.sym(Scope::Next { caller: 0 }, b"printf").is_err(), "printf is only in main");
}

#[test]
fn missing_dependency_is_reported_and_rolled_back() {
    let shared = side(4, &[], &[]);
    let a = side(4, &["libshared.so", "libgone.so"], &[]);
    let (mut l, _) = setup(vec![("libshared.so", shared), ("liba.so", a)]);
    let s = open(&mut l, "libshared.so", NOW).unwrap();
    let e = open(&mut l, "liba.so", NOW).unwrap_err();
    assert_eq!(
        e.to_string(),
        "liba.so: error loading dependency: libgone.so: cannot open shared object file: No such file or directory"
    );
    // liba.so and what it loaded are gone; libshared.so, which it reached but never counted
    // on, keeps its one open and goes at its one close.
    assert_eq!(l.refcount(raw(&s)), Some(1), "the failed load left the count alone");
    assert_eq!(l.loaded_count(), 2, "main and libshared.so");
    let c = l.close(raw(&s)).unwrap();
    assert_eq!(c.libs, vec![s.handle]);
    l.finish_close(&c.libs);
    assert_eq!(l.loaded_count(), 1);
}

#[test]
fn self_dependency_is_an_error() {
    let (mut l, _) = setup(vec![("self.so", side(4, &["self.so"], &[]))]);
    assert_eq!(open(&mut l, "self.so", NOW).unwrap_err().to_string(), "self.so: library lists itself as a dependency");
    assert_eq!(l.loaded_count(), 1);
}

#[test]
fn dependency_cycles_bind_late_and_unload_together() {
    // c1 needs c2 needs c1; each calls the other and takes the other's data address.
    let c1 = with_import(side(8, &["c2.so"], &[]), "env", "c2_fn", ExternKind::Func);
    let c1 = with_export(with_export(c1, "c1_fn", Exp::Func), "c1_data", Exp::Global(4));
    let c2 = with_import(side(8, &["c1.so"], &[]), "env", "c1_fn", ExternKind::Func);
    let c2 = with_import(c2, "GOT.mem", "c1_data", ExternKind::Global);
    let c2 = with_export(c2, "c2_fn", Exp::Func);
    let (mut l, model) = setup(vec![("c1.so", c1), ("c2.so", c2)]);
    let o = open(&mut l, "c1.so", NOW).unwrap();
    // c2 was instantiated first (instance 1), binding c1_fn through a slot filled later.
    let ImportValue::Indirect(stub) = binding(&model, 1, "c1_fn") else { panic!("late bound") };
    let c1_fn = l.sym(Scope::Handle(raw(&o)), b"c1_fn").unwrap();
    assert_eq!(model.0.borrow().copies, vec![(stub, c1_fn)]);
    let ImportValue::Cell(c) = binding(&model, 1, "c1_data") else { panic!() };
    let c1_base = l.libs.get(o.handle).unwrap().mem_base;
    assert_eq!(model.0.borrow().cells[c], (c1_base + 4) as i32);
    // c1 (instance 2) binds c2_fn directly; constructors once each, c2's first.
    assert!(matches!(binding(&model, 2, "c2_fn"), ImportValue::FuncSlot(_)));
    assert_eq!(o.init.len(), 2);
    // Reopening the other member of the cycle is the same library.
    let o2 = open(&mut l, "c2.so", NOW).unwrap();
    assert!(o2.init.is_empty());
    // The cycle is freed when nothing outside it holds it.
    assert!(l.close(raw(&o)).unwrap().libs.is_empty(), "c2.so is still open");
    let c = l.close(raw(&o2)).unwrap();
    assert_eq!(c.libs.len(), 2);
    l.finish_close(&c.libs);
    assert_eq!(l.loaded_count(), 1);
    assert!(model.0.borrow().live_allocs.is_empty());
}

#[test]
fn bad_modules() {
    let mut not_first = side(0, &[], &[]);
    not_first.dylink_offset = 200;
    let no_dylink = ModuleSpec { no_dylink: true, ..Default::default() };
    let malformed = ModuleSpec { dylink: vec![1, 9, 0], dylink_offset: 20, ..Default::default() };
    let (mut l, _) = setup(vec![("nf.so", not_first), ("nd.so", no_dylink), ("mf.so", malformed)]);
    let msg = |l: &mut Linker<Model>, n| open(l, n, NOW).unwrap_err().to_string();
    assert!(msg(&mut l, "nf.so").contains("dylink.0 must be the first section (found at byte 188)"));
    assert_eq!(msg(&mut l, "nd.so"), "nd.so: not a side module (no dylink.0 section)");
    assert_eq!(
        msg(&mut l, "mf.so"),
        "mf.so: malformed dylink.0 at byte 22: subsection extends past the end of the section"
    );
    assert_eq!(msg(&mut l, "notes.txt"), "notes.txt: not a valid WebAssembly module: bad magic");
    assert!(matches!(l.open(Some(""), NOW, ENV), Err(e) if matches!(e.kind(), ErrorKind::InvalidName { .. })));
    assert_eq!(l.loaded_count(), 1);
}

#[test]
fn search_path_and_runpath() {
    let mut dep = side(4, &[], &[]);
    dep.exports.push(("d".into(), Exp::Func));
    let mut top = side(4, &["libd.so"], &[]);
    let mut rp = Vec::new();
    leb(1, &mut rp);
    name("$ORIGIN/deps", &mut rp);
    sub(5, rp, &mut top.dylink);
    let (mut l, model) = setup(vec![("plug/libtop.so", top), ("plug/deps/libd.so", dep)]);
    let env = SearchEnv { ld_library_path: Some("/nope:plug") };
    let o = l.open(Some("libtop.so"), NOW, env).unwrap();
    assert_eq!(
        model.0.borrow().loads,
        vec![
            "libtop.so",
            "/nope/libtop.so",
            "plug/libtop.so",
            "libd.so",
            "/nope/libd.so",
            "plug/libd.so",
            "plug/deps/libd.so"
        ]
    );
    assert!(l.sym(Scope::Handle(raw(&o)), b"d").is_ok());
    // Already loaded under its path: found by that path without another load.
    let loads = model.0.borrow().loads.len();
    let dep = l.by_name.get("plug/deps/libd.so").expect("loaded as a dependency");
    assert_eq!(l.open(Some("plug/deps/libd.so"), RtldFlags::NOLOAD, ENV).unwrap().handle, dep);
    assert_eq!(model.0.borrow().loads.len(), loads, "nothing searched or loaded again");
}

#[test]
fn nodelete_keeps_library() {
    let (mut l, _) = setup(vec![("n.so", with_export(side(4, &[], &[]), "f", Exp::Func))]);
    let o = open(&mut l, "n.so", NOW | RtldFlags::NODELETE).unwrap();
    assert!(l.close(raw(&o)).unwrap().libs.is_empty());
    assert!(l.sym(Scope::Handle(raw(&o)), b"f").is_ok(), "still loaded");
    assert!(l.close(raw(&o)).is_err(), "no reference left to drop");
    assert_eq!(open(&mut l, "n.so", RtldFlags::NOLOAD).unwrap().handle, o.handle);
}

#[test]
fn destructors_registered_per_library_run_on_close() {
    let (mut l, _) = setup(vec![("d.so", side(16, &[], &[]))]);
    let o = open(&mut l, "d.so", NOW).unwrap();
    let base = l.libs.get(o.handle).unwrap().mem_base;
    assert!(l.register_atexit(7, 1, base));
    assert!(l.register_atexit(8, 2, base));
    assert!(!l.register_atexit(9, 3, 4), "an address in main goes to libc");
    let c = l.close(raw(&o)).unwrap();
    assert_eq!(c.dtors, vec![(8, 2), (7, 1)]);
}

#[test]
fn forged_and_reserved_handles() {
    let (mut l, _) = setup(vec![]);
    for raw in [0x1234usize, 0x8000_0005, 0x8abc_def0] {
        assert!(
            matches!(l.sym(Scope::Handle(raw), b"x"), Err(e) if matches!(e.kind(), ErrorKind::InvalidHandle { .. }))
        );
        assert!(matches!(l.close(raw), Err(e) if matches!(e.kind(), ErrorKind::InvalidHandle { .. })));
    }
    assert_eq!(l.sym(Scope::Default, b"nothing").unwrap_err().to_string(), "RTLD_DEFAULT: undefined symbol: nothing");
}

#[test]
fn libdl_entry_points_in_the_wasm_namespace_resolve() {
    // dlfcn.h turns dlsym into __wasm_libdl_dlsym_from, which side modules import from main.
    let m = with_import(side(4, &[], &[]), "env", "__wasm_libdl_dlsym_from", ExternKind::Func);
    let (mut l, model) = setup(vec![("uses_dlsym.so", m)]);
    model.0.borrow_mut().instances[0].0.exports.push(("__wasm_libdl_dlsym_from".into(), Exp::Func));
    open(&mut l, "uses_dlsym.so", NOW).unwrap();
    let slot = l.sym(Scope::Default, b"__wasm_libdl_dlsym_from").unwrap();
    assert_eq!(binding(&model, 1, "__wasm_libdl_dlsym_from"), ImportValue::FuncSlot(slot));
    assert!(l.sym(Scope::Default, b"__wasm_call_ctors").is_err(), "plumbing stays hidden");
}

#[test]
fn exit_destructors_run_dependents_first_whatever_the_slots() {
    let (mut l, _) = setup(vec![
        ("tmp.so", side(4, &[], &[])),
        ("liba.so", side(4, &["libb.so"], &[])),
        ("libb.so", side(4, &[], &[])),
        ("late.so", side(4, &[], &[])),
    ]);
    // Free a slot first: liba.so then reuses it, below libb.so's.
    let t = open(&mut l, "tmp.so", NOW).unwrap();
    let c = l.close(raw(&t)).unwrap();
    l.finish_close(&c.libs);
    let a = open(&mut l, "liba.so", NOW).unwrap();
    let late = open(&mut l, "late.so", NOW).unwrap();
    let b = l.open(Some("libb.so"), RtldFlags::NOLOAD, ENV).unwrap();
    for (o, f) in [(&a, 1), (&b, 2), (&late, 3)] {
        let base = l.libs.get(o.handle).unwrap().mem_base;
        assert!(l.register_atexit(f, 0, base));
    }
    assert_eq!(l.take_all_atexit(), vec![(3, 0), (1, 0), (2, 0)], "late.so, liba.so, libb.so");
}

#[test]
fn link_time_table_libraries() {
    use crate::linktime::{
        parse_table,
        tests::{REAL, REAL_BASE, REAL_ROOT},
    };
    let (mut l, model) = setup(vec![]);
    let table = parse_table(REAL, REAL_BASE, REAL_ROOT).unwrap();
    let side_fn = table.find(b"libside.so").unwrap().symbol(b"side_fn").unwrap();
    l.set_linktime(Ok(table));
    // Instantiated with the component, but not loaded for the program until its first
    // dlopen: RTLD_NOLOAD finds it only then; a path finds it by basename.
    let e = open(&mut l, "libside.so", RtldFlags::NOLOAD).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::NotLoaded));
    let o = open(&mut l, "libside.so", NOW).unwrap();
    assert!(o.init.is_empty(), "its constructors already ran");
    assert_eq!(open(&mut l, "libside.so", RtldFlags::NOLOAD).unwrap().handle, o.handle);
    assert_eq!(open(&mut l, "/ext/libside.so", NOW).unwrap().handle, o.handle);
    assert_eq!(l.sym(Scope::Handle(raw(&o)), b"side_fn").unwrap(), side_fn);
    assert_eq!(l.sym(Scope::Handle(raw(&o)), b"nope").unwrap_err().to_string(), "libside.so: undefined symbol: nope");
    assert!(model.0.borrow().loads.is_empty(), "the runtime loader was never asked");
    // Never unloaded: three closes balance three opens, a fourth is an error, the handle stays.
    assert!(l.close(raw(&o)).unwrap().libs.is_empty());
    assert!(l.close(raw(&o)).unwrap().libs.is_empty());
    assert!(l.close(raw(&o)).unwrap().libs.is_empty());
    assert!(matches!(l.close(raw(&o)), Err(e) if matches!(e.kind(), ErrorKind::InvalidHandle { .. })));
    assert_eq!(open(&mut l, "libside.so", NOW).unwrap().handle, o.handle);
    // Scopes: RTLD_DEFAULT sees a table library only once it is opened RTLD_GLOBAL.
    assert!(l.sym(Scope::Default, b"dep_fn").is_err());
    open(&mut l, "libdep.so", NOW | RtldFlags::GLOBAL).unwrap();
    assert!(l.sym(Scope::Default, b"dep_fn").is_ok());
    // Names not in the table fall through to the runtime loader.
    assert!(matches!(open(&mut l, "libother.so", NOW), Err(e) if matches!(e.kind(), ErrorKind::NotFound)));
    assert_eq!(model.0.borrow().loads, vec!["libother.so"]);
}

/// A link-time library whose constructors `wasm32-wasip2-link` left for `dlopen`
/// (`__wasm_libdl_ctors`) has them run by the `dlopen` that adopts it, after those of the
/// NEEDED libraries adopted with it, and only once.
#[test]
fn link_time_constructors_run_at_first_dlopen() {
    use crate::linktime::{parse_table, tests::build};
    let needs = "n\0libplug.so\0libdep.so";
    let (bytes, root) = build(
        0x1000,
        &[
            ("libplug.so", &[("plug_fn", 7), ("__wasm_libdl_ctors", 11)], 0),
            ("libdep.so", &[("__wasm_libdl_ctors", 12)], 0),
            ("libplain.so", &[("plain_fn", 13)], 0),
            ("__wasm_libdl_startup.so", &[(needs, 1)], 0),
        ],
    );
    let bytes: &'static [u8] = Vec::leak(bytes);
    let (mut l, _model) = setup(vec![]);
    l.set_linktime(Ok(parse_table(bytes, 0x1000, root).unwrap()));
    assert!(open(&mut l, "libplain.so", NOW).unwrap().init.is_empty(), "its constructors ran at start");
    let o = open(&mut l, "libplug.so", NOW).unwrap();
    assert_eq!(o.init, vec![12, 11], "libdep.so's, then libplug.so's");
    assert!(open(&mut l, "libplug.so", NOW).unwrap().init.is_empty(), "constructors run once");
    assert!(open(&mut l, "libdep.so", NOW).unwrap().init.is_empty(), "adopted with libplug.so");
}

/// A link-time table the reader refuses is reported by every `dlopen` that would consult
/// it, with the address of what is wrong; the linker stays usable.
#[test]
fn malformed_link_time_table_is_reported() {
    use crate::linktime::{
        parse_table,
        tests::{REAL, REAL_BASE, REAL_ROOT},
    };
    let mut m = REAL.to_vec();
    m[0xc4] = 0xa4; // the library array no longer ends at the root
    let (mut l, _model) = setup(vec![]);
    l.set_linktime(parse_table(&m, REAL_BASE, REAL_ROOT).map(|_| unreachable!()));
    let text = open(&mut l, "libside.so", NOW).unwrap_err().to_string();
    assert_eq!(
        text,
        "libside.so: malformed link-time library table at byte 1048768: library array does not end at the root"
    );
    assert_eq!(open(&mut l, "libside.so", NOW).unwrap_err().to_string(), text, "and again");
}

#[test]
fn runtime_library_imports_from_a_table_library() {
    use crate::linktime::{
        parse_table,
        tests::{REAL, REAL_BASE, REAL_ROOT},
    };
    let user = with_import(side(4, &["libdep.so"], &[]), "env", "dep_fn", ExternKind::Func);
    let (mut l, model) = setup(vec![("user.so", user)]);
    let table = parse_table(REAL, REAL_BASE, REAL_ROOT).unwrap();
    let dep_fn = table.find(b"libdep.so").unwrap().symbol(b"dep_fn").unwrap();
    l.set_linktime(Ok(table));
    open(&mut l, "user.so", NOW).unwrap();
    assert_eq!(binding(&model, 1, "dep_fn"), ImportValue::FuncSlot(dep_fn));
}

/// `side()` with a table of `slots` entries (MEM_INFO's third field).
fn with_table(mut m: ModuleSpec, slots: u8) -> ModuleSpec {
    assert_eq!(&m.dylink[..2], &[1, 4], "MEM_INFO with one-byte fields");
    m.dylink[4] = slots;
    m
}

#[test]
fn table_slots_of_unloaded_libraries_are_reused() {
    let (mut l, model) =
        setup(vec![("t4.so", with_table(side(4, &[], &[]), 4)), ("t2.so", with_table(side(4, &[], &[]), 2))]);
    let a = open(&mut l, "t4.so", NOW).unwrap();
    let base = l.libs.get(a.handle).unwrap().table_base;
    let grown = model.0.borrow().table_len;
    let c = l.close(raw(&a)).unwrap();
    l.finish_close(&c.libs);
    assert_eq!(model.0.borrow().released, vec![(base, 4)]);
    // Smaller libraries fit in the released range, repeatedly, without growing the table.
    for _ in 0..100 {
        let b = open(&mut l, "t2.so", NOW).unwrap();
        assert_eq!(l.libs.get(b.handle).unwrap().table_base, base);
        let c = l.close(raw(&b)).unwrap();
        l.finish_close(&c.libs);
    }
    let w = model.0.borrow();
    // Only the ctor slots the model host hands out per instance grow it (the real host
    // reuses those when the instance is dropped).
    assert_eq!(w.table_len - grown, 100, "one export slot per instance, nothing else");
}

/// Exports are read on the first lookup, so a (host-accepted, yet) unreadable export section
/// shows up at `dlsym`, naming the library and the section, and leaves the loader usable.
#[test]
fn unreadable_export_section_is_reported_by_dlsym() {
    let mut m = with_export(side(16, &[], &[]), "f", Exp::Func);
    // A count of 2 with one entry: truncated.
    let data = vec![2, 1, b'f', 0, 0];
    m.raw_sections.push((crate::sections::EXPORT, crate::host::Section { start: 40, offset: 42, data }));
    let ok = with_export(side(16, &[], &[]), "g", Exp::Func);
    let (mut l, _model) = setup(vec![("libbad.so", m), ("libok.so", ok)]);
    let bad = open(&mut l, "libbad.so", NOW).expect("loads: the exports are not read yet");
    // A name before the damage may be found (a scan stops at the match); one that is not
    // there makes the read reach the end.
    let err = l.sym(Scope::Handle(raw(&bad)), b"h").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("libbad.so") && text.contains("export") && text.contains("47"), "{text}");
    for _ in 0..3 {
        let again = l.sym(Scope::Handle(raw(&bad)), b"h").unwrap_err().to_string();
        assert_eq!(again, text, "the same answer once indexed");
    }
    let good = open(&mut l, "libok.so", NOW).unwrap();
    assert!(l.sym(Scope::Handle(raw(&good)), b"g").is_ok());
}

/// An exception-tag import (`env.__c_longjmp` of setjmp/longjmp) is bound to the program's
/// export of that name: one tag per process, so a longjmp thrown in one module is caught in
/// another.
#[test]
fn tag_imports_bind_to_the_program_export() {
    let m = with_import(side(4, &[], &[]), "env", "__c_longjmp", ExternKind::Tag);
    let m = with_import(m, "env", "__cpp_exception", ExternKind::Tag);
    let (mut l, model) = setup(vec![("libtag.so", m)]);
    open(&mut l, "libtag.so", NOW).unwrap();
    assert_eq!(binding(&model, 1, "__c_longjmp"), ImportValue::CallerExport);
    assert_eq!(binding(&model, 1, "__cpp_exception"), ImportValue::CallerExport);
}

/// A program that exports `__wasm_libdl_provides:NAME` provides library NAME: a NEEDED entry
/// or a `dlopen` naming it finds the program, and nothing is loaded for it.
#[test]
fn a_library_the_program_provides_is_the_program() {
    let plugin = with_import(side(16, &["libcxx.so"], &[]), "env", "shared", ExternKind::Func);
    let (mut l, model) = setup(vec![("libplugin.so", plugin)]);
    model.0.borrow_mut().instances[0].0.exports.push(("__wasm_libdl_provides:libcxx.so".into(), Exp::Global(6000)));
    let main = l.open(None, NOW, ENV).unwrap().handle;
    open(&mut l, "libplugin.so", NOW).unwrap();
    assert_eq!(model.0.borrow().loads, vec!["libplugin.so"], "libcxx.so was not looked for");
    assert_eq!(open(&mut l, "libcxx.so", NOW).unwrap().handle, main);
    assert!(matches!(open(&mut l, "libother.so", NOW), Err(e) if matches!(e.kind(), ErrorKind::NotFound)));
}

/// An exception tag a side module imports is bound to the first definition in its lookup
/// scope: the program's when it exports one, else a library's (a C program's `libc++.so`),
/// as that instance's export; with none, to the program's name (the host reports it).
#[test]
fn tag_imports_bind_to_the_defining_instance() {
    let libcxx = with_export(side(16, &[], &[]), "__cpp_exception", Exp::Tag);
    let plugin = with_import(side(16, &["libcxx.so"], &[]), "env", "__cpp_exception", ExternKind::Tag);
    let plugin = with_import(plugin, "env", "__c_longjmp", ExternKind::Tag);
    let (mut l, model) = setup(vec![("libcxx.so", libcxx), ("libplugin.so", plugin)]);
    model.0.borrow_mut().instances[0].0.exports.push(("__c_longjmp".into(), Exp::Tag));
    open(&mut l, "libplugin.so", NOW).unwrap();
    // Instance 1 is libcxx.so (a dependency is instantiated first), 2 the plugin.
    assert_eq!(binding(&model, 2, "__cpp_exception"), ImportValue::InstanceExport(1));
    assert_eq!(binding(&model, 2, "__c_longjmp"), ImportValue::CallerExport);
}
