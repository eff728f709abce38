//! Model-based test of the handle table, reference counts and scopes: random sequences of
//! `dlopen` / `dlsym` / `dlclose` on a small universe of libraries, checked step by step
//! against a reference model written for this test (the `Reference` below).
//!
//! The universe: a chain (a → b), a library with no dependencies, a dependency cycle
//! (c1 ↔ c2), a library that needs both (top → a, c1), a cycle with a third library hanging
//! off it (x → y, w; y → x), a library that fails to instantiate after its dependency loaded
//! (bad → b), one whose dependency does not exist (orphan → solo, gone), and a name that is
//! no file. Several libraries define the same symbols, so scope order decides.
//!
//! Weak self-references and interposition: a function `hook` is defined by a.so, b.so,
//! c2.so, solo.so and w.so and, in half of the sequences, by the main program; a.so and c2.so
//! import it too (what wasm-ld makes of a weak definition the library calls itself), c1.so and
//! top.so only import it (weakly). Each import must be bound to the first definition in the
//! global scope as it was when the library was loaded, then in the library's local scope
//! (which starts with the library itself), and stay so: checked after every step through the
//! bindings and table copies the model host recorded.
//!
//! Handles used: every handle ever returned (live, stale after unloading, double-closed),
//! forged values, handles with a flipped generation, NULL (RTLD_DEFAULT for `dlsym`) and the
//! main program's. Modes: any combination of LAZY, NOW, NOLOAD, LOCAL, GLOBAL, NODELETE, plus
//! invalid ones (an unknown bit, LOCAL|GLOBAL), which the C layer rejects
//! ([`RtldFlags::from_mode`]).
//!
//! Checked after every step: the call fails exactly when the model says so; a `dlsym` finds
//! the definition the model expects (first in scope order); the loaded libraries, their
//! explicit open counts, RTLD_NODELETE and global flags match the model; each loaded library
//! keeps its handle; memory reserved = one block per loaded library; handle-table slots never
//! exceed the peak number of libraries alive at once (transient ones of a failed dlopen
//! included).
//!
//! Default `cargo test` runs 200 sequences; `LIBDL_MODEL_CASES=100000 cargo test --release
//! model` runs the long mode.

use super::{setup, Exp, Model, ModuleSpec};
use crate::flags::{RtldFlags, RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL, RTLD_NODELETE, RTLD_NOLOAD, RTLD_NOW};
use crate::host::{ExternKind, ImportValue};
use crate::linker::{LibState, Linker, Scope, SearchEnv};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::format;

/// (name, NEEDED, exported data symbols)
const LIBS: &[(&str, &[&str], &[&str])] = &[
    ("a.so", &["b.so"], &["a_sym", "common"]),
    ("b.so", &[], &["b_sym", "common", "dup"]),
    ("solo.so", &[], &["solo_sym", "dup", "common"]),
    ("c1.so", &["c2.so"], &["c1_sym", "cyc"]),
    ("c2.so", &["c1.so"], &["c2_sym", "cyc", "common"]),
    ("top.so", &["a.so", "c1.so"], &["top_sym", "dup"]),
    ("x.so", &["y.so", "w.so"], &["x_sym"]),
    ("y.so", &["x.so"], &["y_sym", "cyc"]),
    ("w.so", &[], &["w_sym", "common"]),
    ("bad.so", &["b.so"], &["bad_sym"]),
    ("orphan.so", &["solo.so", "gone.so"], &["orphan_sym"]),
];
/// Instantiation of this one fails (after its dependency was loaded).
const FAILS: &str = "bad.so";
/// Names `dlopen` is asked for: the universe and one that is no file.
const NAMES: usize = 12;
const MAIN_SYMS: &[&str] = &["printf", "errno"];
/// The function every library below resolves by the ELF rules.
const HOOK: &str = "hook";
/// Libraries that define `hook` (main too, when the sequence says so).
const HOOK_DEFINED_BY: &[&str] = &["a.so", "b.so", "c2.so", "solo.so", "w.so"];
/// Libraries that import `env.hook` (weakly), in their own calls.
const HOOK_IMPORTED_BY: &[&str] = &["a.so", "c1.so", "c2.so", "top.so"];
const SYMS: &[&str] = &[
    "printf",
    "errno",
    "common",
    "dup",
    "cyc",
    "a_sym",
    "b_sym",
    "solo_sym",
    "c1_sym",
    "c2_sym",
    "top_sym",
    "x_sym",
    "y_sym",
    "w_sym",
    "bad_sym",
    "orphan_sym",
    HOOK,
    "nothing",
];

fn name_at(i: usize) -> &'static str {
    LIBS.get(i).map_or("nothere.so", |l| l.0)
}

fn spec(name: &str) -> Option<&'static (&'static str, &'static [&'static str], &'static [&'static str])> {
    LIBS.iter().find(|l| l.0 == name)
}

#[derive(Clone, Copy, Debug)]
enum HRef {
    /// The n-th handle seen so far (modulo how many there are); main if none yet.
    Known(usize),
    /// A known handle with its generation changed.
    Bent(usize),
    Null,
    Main,
    Forged(u32),
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Open(usize, i32),
    OpenMain,
    Close(HRef),
    Sym(HRef, usize),
    Next(usize),
}

fn href() -> impl Strategy<Value = HRef> {
    prop_oneof![
        8 => any::<usize>().prop_map(HRef::Known),
        1 => any::<usize>().prop_map(HRef::Bent),
        1 => Just(HRef::Null),
        1 => Just(HRef::Main),
        1 => prop_oneof![any::<u32>(), Just(0x8000_0005u32), Just(0x8abc_def0), Just(u32::MAX), Just(0x8000_0000)]
            .prop_map(HRef::Forged),
    ]
}

fn mode() -> impl Strategy<Value = i32> {
    let bits = [RTLD_LAZY, RTLD_NOW, RTLD_NOLOAD, RTLD_LOCAL, RTLD_GLOBAL, RTLD_NODELETE];
    (any::<u8>(), 0u8..16).prop_map(move |(mask, invalid)| {
        let mut m = 0;
        for (i, b) in bits.iter().enumerate() {
            if mask & (1 << i) != 0 {
                m |= b;
            }
        }
        // NOLOAD in a quarter of the opens only, so that libraries get loaded.
        if mask & 0xc0 != 0xc0 {
            m &= !RTLD_NOLOAD;
        }
        if invalid == 0 {
            m |= 0x10;
        }
        m
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..NAMES, mode()).prop_map(|(n, m)| Op::Open(n, m)),
        1 => Just(Op::OpenMain),
        4 => href().prop_map(Op::Close),
        3 => (href(), 0..SYMS.len()).prop_map(|(h, s)| Op::Sym(h, s)),
        1 => (0..SYMS.len()).prop_map(Op::Next),
    ]
}

// ---- the reference model -----------------------------------------------------------------

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct MLib {
    refs: u32,
    nodelete: bool,
    global: bool,
}

#[derive(Default)]
struct Reference {
    loaded: BTreeMap<&'static str, MLib>,
    /// RTLD_GLOBAL libraries in the order they became global (after main).
    global: Vec<&'static str>,
    /// Most libraries alive at once, main included.
    peak: usize,
    /// The main program defines `hook`.
    main_hook: bool,
    /// Which definition each loaded importer of `hook` was bound to (`None`: unresolved).
    hook_bound: BTreeMap<&'static str, Option<&'static str>>,
}

impl Reference {
    fn needed(name: &str) -> &'static [&'static str] {
        spec(name).map_or(&[], |l| l.1)
    }

    /// The local scope: the library, then its dependencies breadth-first, each once.
    fn bfs(&self, name: &'static str) -> Vec<&'static str> {
        let mut out = vec![name];
        let mut i = 0;
        while i < out.len() {
            for &d in Self::needed(out[i]) {
                if !out.contains(&d) {
                    out.push(d);
                }
            }
            i += 1;
        }
        out
    }

    /// Loads `name` and what it needs, depth-first (a library is created before its
    /// dependencies); `false` on failure, with `created` what had been created by then.
    fn visit(&self, name: &'static str, created: &mut Vec<&'static str>) -> bool {
        if self.loaded.contains_key(name) || created.contains(&name) {
            return true;
        }
        let Some(l) = spec(name) else { return false };
        created.push(l.0);
        l.1.iter().all(|d| self.visit(spec(d).map_or("gone.so", |s| s.0), created)) && name != FAILS
    }

    fn add_reference(&mut self, name: &'static str, flags: RtldFlags) {
        let lib = self.loaded.get_mut(name).expect("loaded");
        lib.refs += 1;
        lib.nodelete |= flags.contains(RtldFlags::NODELETE);
        if flags.contains(RtldFlags::GLOBAL) {
            for m in self.bfs(name) {
                let lib = self.loaded.get_mut(m).expect("dependencies are loaded");
                if !lib.global {
                    lib.global = true;
                    self.global.push(m);
                }
            }
        }
    }

    /// `dlopen`: the library opened, or `None` when it fails.
    fn open(&mut self, name: &'static str, mode: i32) -> Option<&'static str> {
        let flags = RtldFlags::from_mode(mode)?;
        if !self.loaded.contains_key(name) {
            if flags.contains(RtldFlags::NOLOAD) {
                return None;
            }
            let mut created = Vec::new();
            let ok = self.visit(name, &mut created);
            self.peak = self.peak.max(1 + self.loaded.len() + created.len());
            if !ok {
                return None;
            }
            // Imports are resolved in the global scope as it was before this dlopen, then
            // in the library's own local scope.
            for &c in &created {
                if HOOK_IMPORTED_BY.contains(&c) {
                    let mut scope = self.default_scope();
                    scope.extend(self.bfs(c));
                    self.hook_bound.insert(c, self.find(&scope, HOOK));
                }
            }
            for c in created {
                self.loaded.insert(c, MLib::default());
            }
        }
        self.add_reference(name, flags);
        Some(name)
    }

    /// `dlclose` of a loaded library (`None`: main); `false` when it fails.
    fn close(&mut self, lib: Option<&'static str>) -> bool {
        let Some(name) = lib else { return true };
        let l = self.loaded.get_mut(name).expect("loaded");
        if l.refs == 0 {
            return false;
        }
        l.refs -= 1;
        if l.refs == 0 && !l.nodelete {
            let mut reachable = BTreeSet::new();
            let mut stack: Vec<&str> =
                self.loaded.iter().filter(|(_, l)| l.refs > 0 || l.nodelete).map(|(n, _)| *n).collect();
            while let Some(n) = stack.pop() {
                if reachable.insert(n) {
                    stack.extend(Self::needed(n));
                    // A definition an import was bound to stays loaded with the importer.
                    stack.extend(self.hook_bound.get(n).copied().flatten().filter(|&d| d != "main"));
                }
            }
            self.loaded.retain(|n, _| reachable.contains(n));
            self.global.retain(|n| reachable.contains(n));
        }
        true
    }

    fn defines(&self, lib: &str, sym: &str) -> bool {
        if sym == HOOK {
            (lib == "main" && self.main_hook) || HOOK_DEFINED_BY.contains(&lib)
        } else if lib == "main" {
            MAIN_SYMS.contains(&sym)
        } else {
            spec(lib).is_some_and(|l| l.2.contains(&sym))
        }
    }

    /// The library whose definition a lookup in `scope` finds.
    fn find(&self, scope: &[&'static str], sym: &str) -> Option<&'static str> {
        scope.iter().copied().find(|l| self.defines(l, sym))
    }

    fn default_scope(&self) -> Vec<&'static str> {
        let mut s = vec!["main"];
        s.extend(&self.global);
        s
    }
}

// ---- running a sequence ------------------------------------------------------------------

fn universe() -> Vec<(&'static str, ModuleSpec)> {
    LIBS.iter()
        .map(|(name, needed, exports)| {
            let weak: &[&str] = if HOOK_IMPORTED_BY.contains(name) { &["env.hook"] } else { &[] };
            let mut m = super::side(64, needed, weak);
            for (k, e) in exports.iter().enumerate() {
                m.exports.push((String::from(*e), Exp::Global(4 * (k as i32 + 1))));
            }
            if HOOK_DEFINED_BY.contains(name) {
                m.exports.push((String::from(HOOK), Exp::Func));
            }
            if !weak.is_empty() {
                m.imports.push((String::from("env"), String::from(HOOK), ExternKind::Func));
            }
            (*name, m)
        })
        .collect()
}

struct Run {
    l: Linker<Model>,
    model: Model,
    r: Reference,
    /// Every handle seen, main first.
    seen: Vec<usize>,
    /// The handle of each loaded library (and of main).
    handles: BTreeMap<&'static str, usize>,
}

const ENV: SearchEnv<'static> = SearchEnv { ld_library_path: None };

impl Run {
    fn new(main_hook: bool) -> Self {
        let (mut l, model) = setup(universe());
        model.0.borrow_mut().fail_instantiate.push(String::from(FAILS));
        // The model host's main exports printf, errno and `shared`; keep to MAIN_SYMS.
        let mut w = model.0.borrow_mut();
        w.instances[0].0.exports.retain(|(n, _)| MAIN_SYMS.contains(&n.as_str()));
        if main_hook {
            w.instances[0].0.exports.push((String::from(HOOK), Exp::Func));
        }
        drop(w);
        let main = l.open(None, RtldFlags::NOW, ENV).expect("dlopen(NULL)").handle.to_raw() as usize;
        let r = Reference { peak: 1, main_hook, ..Default::default() };
        Run { l, model, r, seen: vec![main], handles: BTreeMap::from([("main", main)]) }
    }

    fn raw(&self, h: HRef) -> usize {
        match h {
            HRef::Known(i) => self.seen[i % self.seen.len()],
            HRef::Bent(i) => self.seen[i % self.seen.len()] ^ (1 << 20),
            HRef::Null => 0,
            HRef::Main => self.handles["main"],
            HRef::Forged(v) => v as usize,
        }
    }

    /// The live library a raw handle denotes in the model (`Some(None)`: main).
    fn denotes(&self, raw: usize) -> Option<Option<&'static str>> {
        self.handles.iter().find(|(_, &h)| h == raw).map(|(&n, _)| (n != "main").then_some(n))
    }

    /// Which library a `dlsym` value belongs to.
    fn owner(&self, value: u32) -> &str {
        let h = self.l.library_at(value).expect("main exists");
        &self.l.libs.get(h).expect("live").name
    }

    fn check_sym(&mut self, what: &str, scope: Scope, expected: Option<&'static str>, sym: &str) {
        match (self.l.sym(scope, sym.as_bytes()), expected) {
            (Ok(v), Some(lib)) => {
                let owner = if sym == HOOK { self.slot_owner(v) } else { String::from(self.owner(v)) };
                assert_eq!(owner, lib, "{what}: {sym} from the wrong library")
            }
            (Err(e), None) => assert!(!format!("{e}").is_empty()),
            (got, want) => panic!("{what}: dlsym({sym}) = {got:?}, the model expects {want:?}"),
        }
    }

    fn step(&mut self, op: Op) {
        match op {
            Op::Open(n, mode) => {
                let name = name_at(n);
                let want = self.r.open(name, mode);
                let got = match RtldFlags::from_mode(mode) {
                    Some(f) => self.l.open(Some(name), f, ENV),
                    None => Err(crate::error::DlError::new(crate::error::ErrorKind::InvalidMode { mode })),
                };
                match (got, want) {
                    (Ok(o), Some(_)) => {
                        assert!(o.handle.to_raw() & 0x8000_0000 != 0);
                        if let Some(&h) = self.handles.get(name) {
                            assert_eq!(h, o.handle.to_raw() as usize, "reopen of {name} gives its handle");
                        }
                    }
                    (Err(_), None) => {}
                    (got, want) => panic!("dlopen({name}, {mode:#x}) = {got:?}, the model expects {want:?}"),
                }
            }
            Op::OpenMain => {
                let o = self.l.open(None, RtldFlags::LAZY, ENV).expect("dlopen(NULL)");
                assert_eq!(o.handle.to_raw() as usize, self.handles["main"]);
            }
            Op::Close(h) => {
                let raw = self.raw(h);
                let want = self.denotes(raw).is_some_and(|lib| self.r.close(lib));
                match self.l.close(raw) {
                    Ok(c) => {
                        assert!(want, "dlclose({raw:#x}) succeeded, the model expects an error");
                        self.l.finish_close(&c.libs);
                    }
                    Err(e) => assert!(!want, "dlclose({raw:#x}) failed: {e}"),
                }
            }
            Op::Sym(h, s) => {
                let sym = SYMS[s];
                let raw = self.raw(h);
                if raw == 0 {
                    let want = self.r.find(&self.r.default_scope(), sym);
                    self.check_sym("RTLD_DEFAULT", Scope::Default, want, sym);
                    return;
                }
                let want = match self.denotes(raw) {
                    None => None,
                    Some(None) => self.r.find(&self.r.default_scope(), sym),
                    Some(Some(lib)) => self.r.find(&self.r.bfs(lib), sym),
                };
                self.check_sym("dlsym(handle)", Scope::Handle(raw), want, sym);
            }
            Op::Next(s) => {
                let sym = SYMS[s];
                let want = self.r.find(&self.r.global, sym);
                self.check_sym("RTLD_NEXT from main", Scope::Next { caller: 0 }, want, sym);
            }
        }
        self.sync();
    }

    /// Compares the linker's state with the model's, and learns new handles.
    fn sync(&mut self) {
        let mut live: BTreeMap<String, (usize, MLib)> = BTreeMap::new();
        for (h, lib) in self.l.libs.iter() {
            assert_eq!(lib.state, LibState::Ready, "{} left in {:?}", lib.name, lib.state);
            let m = MLib { refs: lib.refs, nodelete: lib.nodelete, global: lib.global };
            assert!(live.insert(lib.name.clone(), (h.to_raw() as usize, m)).is_none(), "{} twice", lib.name);
        }
        let main = live.remove("main").expect("main loaded");
        assert_eq!(main.0, self.handles["main"]);
        let names: Vec<&String> = live.keys().collect();
        let want: Vec<&&str> = self.r.loaded.keys().collect();
        assert_eq!(names, want, "loaded libraries");
        self.handles.retain(|n, _| *n == "main" || self.r.loaded.contains_key(n));
        for (name, m) in &self.r.loaded {
            let (h, lib) = &live[*name];
            assert_eq!(lib, m, "state of {name}");
            assert_eq!(self.l.refcount(*h), Some(m.refs));
            match self.handles.get(name) {
                Some(old) => assert_eq!(old, h, "{name} kept its handle"),
                None => {
                    self.handles.insert(name, *h);
                    self.seen.push(*h);
                }
            }
        }
        self.hook_bindings();
        assert_eq!(self.l.loaded_count(), 1 + self.r.loaded.len());
        assert_eq!(self.model.0.borrow().live_allocs.len(), self.r.loaded.len(), "memory blocks");
        assert!(
            self.l.slots_used() <= self.r.peak,
            "{} handle-table slots for at most {} libraries at once",
            self.l.slots_used(),
            self.r.peak
        );
    }
}

impl Run {
    /// The library whose function a table slot holds: the export the model host put there,
    /// following the copies made into late-bound slots.
    fn slot_owner(&self, slot: u32) -> String {
        let w = self.model.0.borrow();
        let slot = w.copies.iter().rev().find(|c| c.0 == slot).map_or(slot, |c| c.1);
        let (&(instance, ref name), _) = w.slots.iter().find(|(_, &s)| s == slot).expect("slot of an export");
        assert_eq!(name, HOOK);
        if instance == 0 {
            return String::from("main");
        }
        let (_, lib) = self.l.libs.iter().find(|(_, l)| l.instance == Some(instance)).expect("a live library");
        lib.name.clone()
    }

    /// Every loaded importer of `hook` is bound as the reference resolved it at its load.
    fn hook_bindings(&self) {
        for (&lib, &want) in &self.r.hook_bound {
            let Some((_, l)) = self.l.libs.iter().find(|(_, l)| l.name == lib) else { continue };
            let instance = l.instance.expect("instantiated");
            let got = match super::binding(&self.model, instance, HOOK) {
                ImportValue::FuncSlot(s) | ImportValue::Indirect(s) => Some(self.slot_owner(s)),
                ImportValue::Unresolved(_) => None,
                other => panic!("{lib}: env.hook bound to {other:?}"),
            };
            assert_eq!(got.as_deref(), want, "{lib}: env.hook bound to the wrong definition");
        }
    }
}

fn cases() -> u32 {
    std::env::var("LIBDL_MODEL_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200)
}

#[test]
fn model_handles_and_scopes() {
    let config = Config { cases: cases(), failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&(any::<bool>(), proptest::collection::vec(op(), 1..80)), |(main_hook, ops)| {
        let mut run = Run::new(main_hook);
        for op in ops {
            run.step(op);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Found by this test: a library linked inside a dependency cycle (y.so, pulled in by x.so,
/// which needs y.so and w.so) took its local scope before x.so had all its dependencies, so
/// `dlsym(y)` missed w.so's symbols and `dlopen("y.so", RTLD_GLOBAL)` left w.so out of the
/// global scope. Both go by the complete breadth-first scope now.
#[test]
fn cycle_member_scope_is_complete() {
    let mut run = Run::new(false);
    run.step(Op::Open(6, RTLD_NOW)); // x.so
    run.step(Op::Open(7, RTLD_NOW | RTLD_GLOBAL)); // y.so
    let y = run.handles["y.so"];
    assert!(run.l.sym(Scope::Handle(y), b"w_sym").is_ok());
    assert!(run.l.sym(Scope::Default, b"w_sym").is_ok());
    run.step(Op::Sym(HRef::Null, 13));
}
