//! A model host: an in-memory [`Host`] for the linker's unit tests, the model-based test of
//! handles and scopes, and the fuzz targets (`fuzz/`). Not part of the library proper: it is
//! compiled for tests and with the (non-default) `model` feature only.
//!
//! The model shares its [`World`] with its user through an `Rc<RefCell<_>>`, so a test can
//! serve modules, inspect bindings, cells and table copies, and check that every byte of
//! memory the linker reserved is freed again. It also checks the linker: instantiating with a
//! missing binding, binding a table slot that does not exist, or freeing memory that was not
//! allocated panics.
//!
//! Modules are either described directly ([`ModuleSpec`], built with [`side`],
//! [`with_import`], [`with_export`]) or read from WebAssembly bytes ([`wasm::parse`]).

#[cfg(test)]
mod check;
mod encode;
pub mod fuzz;
pub mod wasm;

use crate::flags::RtldFlags;
use crate::host::{ExportDesc, ExportValue, ExternKind, Host, HostError, HostErrorCode, ImportValue, Section};
use crate::linker::{Linker, Opened, SearchEnv};
use crate::sections;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cell::RefCell;

/// What a module exports under a name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Exp {
    Func,
    /// An i32 global with this value (for data: the offset from `__memory_base`).
    Global(i32),
    /// An exception tag.
    Tag,
}

/// A module as the model host knows it.
#[derive(Clone, Default, Debug)]
pub struct ModuleSpec {
    /// The `dylink.0` payload.
    pub dylink: Vec<u8>,
    /// Offset of the payload in the module binary.
    pub dylink_offset: u32,
    /// Offset of the section's id byte; `None`: 12 bytes before the payload (a one-byte size
    /// would make it 11, the model's modules are made up).
    pub dylink_start: Option<u32>,
    /// The module has no `dylink.0` section.
    pub no_dylink: bool,
    pub imports: Vec<(String, String, ExternKind)>,
    pub exports: Vec<(String, Exp)>,
    /// The import and export sections as a module binary holds them (kept by
    /// [`wasm::parse`]): served by `section(id)` as they are, so the guest parses the real
    /// bytes. Sections not here are encoded from `imports` and `exports`.
    pub raw_sections: Vec<(u8, Section)>,
    /// The host's number for the file (`module.file-id`): modules served under several ids
    /// with the same number are one file (symlinks).
    pub file_id: Option<u64>,
}

/// Everything the model host holds.
#[derive(Default)]
pub struct World {
    /// Module ids the host can load.
    pub files: BTreeMap<String, ModuleSpec>,
    /// Every id `load` was asked for, in order.
    pub loads: Vec<String>,
    pub table_len: u32,
    /// Table slots handed out for function exports: (instance, name) -> slot.
    pub slots: BTreeMap<(usize, String), u32>,
    /// Instance 0 is the caller (main program); each entry is the module and its bindings
    /// (cells replaced by the model's cell numbers).
    pub instances: Vec<(ModuleSpec, Vec<Bound>)>,
    pub cells: Vec<i32>,
    pub heap_next: u32,
    /// Allocated and not yet freed: address -> size.
    pub live_allocs: BTreeMap<u32, u32>,
    /// `copy_slot(to, from)` calls.
    pub copies: Vec<(u32, u32)>,
    /// `release_slots` calls: (start, count).
    pub released: Vec<(u32, u32)>,
    /// Ids whose instantiation fails (a trapping start function, say).
    pub fail_instantiate: Vec<String>,
}

/// One import and what it was bound to, cells as the model's cell numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    pub module: String,
    pub name: String,
    pub value: ImportValue<usize>,
}

/// Shares its world with the test so the test can inspect it.
#[derive(Clone)]
pub struct Model(pub Rc<RefCell<World>>);

impl Model {
    pub fn new(world: World) -> Self {
        Model(Rc::new(RefCell::new(world)))
    }
}

fn exports_of(m: &ModuleSpec) -> Vec<ExportDesc> {
    m.exports
        .iter()
        .map(|(n, e)| ExportDesc {
            name: n.clone(),
            kind: match e {
                Exp::Func => ExternKind::Func,
                Exp::Global(_) => ExternKind::Global,
                Exp::Tag => ExternKind::Tag,
            },
        })
        .collect()
}

/// The import section payload a module with these imports would have (binary format).
fn encode_imports(m: &ModuleSpec) -> Vec<u8> {
    let mut out = Vec::new();
    leb(m.imports.len() as u32, &mut out);
    for (module, field, kind) in &m.imports {
        name(module, &mut out);
        name(field, &mut out);
        match kind {
            ExternKind::Func => out.extend_from_slice(&[0, 0]),
            ExternKind::Table => out.extend_from_slice(&[1, 0x70, 0, 0]),
            ExternKind::Memory => out.extend_from_slice(&[2, 0, 1]),
            // GOT entries and __stack_pointer are mutable, the bases are not; the guest does
            // not look.
            ExternKind::Global => out.extend_from_slice(&[3, 0x7f, 1]),
            ExternKind::Tag => out.extend_from_slice(&[4, 0, 0]),
        }
    }
    out
}

/// The export section payload a module with these exports would have.
fn encode_exports(m: &ModuleSpec) -> Vec<u8> {
    let mut out = Vec::new();
    leb(m.exports.len() as u32, &mut out);
    for (i, (n, e)) in m.exports.iter().enumerate() {
        name(n, &mut out);
        out.push(match e {
            Exp::Func => 0,
            Exp::Global(_) => 3,
            Exp::Tag => 4,
        });
        leb(i as u32, &mut out);
    }
    out
}

impl Host for Model {
    type Module = (String, ModuleSpec);
    type Instance = usize;
    type Cell = usize;
    type Imports = Vec<ImportValue<usize>>;

    fn load(&mut self, id: &str) -> Result<(String, ModuleSpec), HostError> {
        let mut w = self.0.borrow_mut();
        w.loads.push(id.to_string());
        match w.files.get(id) {
            Some(m) => Ok((id.to_string(), m.clone())),
            None if id.ends_with(".txt") => {
                Err(HostError { code: HostErrorCode::InvalidModule, message: "bad magic".into() })
            }
            None => Err(HostError { code: HostErrorCode::NotFound, message: String::new() }),
        }
    }
    fn section(&mut self, m: &(String, ModuleSpec), id: u8, name: &str) -> Option<Section> {
        if id == sections::CUSTOM {
            let m = &m.1;
            return (name == "dylink.0" && !m.no_dylink).then(|| Section {
                start: m.dylink_start.unwrap_or(m.dylink_offset.saturating_sub(12)),
                offset: m.dylink_offset,
                data: m.dylink.clone(),
            });
        }
        if let Some((_, s)) = m.1.raw_sections.iter().find(|(i, _)| *i == id) {
            return Some(s.clone());
        }
        let data = match id {
            sections::IMPORT => encode_imports(&m.1),
            sections::EXPORT => encode_exports(&m.1),
            _ => return None,
        };
        // Made-up placement: sections of the model's modules are never where a check looks.
        Some(Section { start: 1000 * u32::from(id), offset: 1000 * u32::from(id) + 5, data })
    }
    fn new_cell(&mut self, value: i32) -> usize {
        let mut w = self.0.borrow_mut();
        w.cells.push(value);
        w.cells.len() - 1
    }
    fn set_cell(&mut self, cell: &usize, value: i32) {
        self.0.borrow_mut().cells[*cell] = value;
    }
    fn push_import(&mut self, imports: &mut Vec<ImportValue<usize>>, value: ImportValue<&usize, &usize>) {
        imports.push(match value {
            ImportValue::CallerMemory => ImportValue::CallerMemory,
            ImportValue::CallerTable => ImportValue::CallerTable,
            ImportValue::CallerExport => ImportValue::CallerExport,
            ImportValue::FuncSlot(s) => ImportValue::FuncSlot(s),
            ImportValue::ConstI32(v) => ImportValue::ConstI32(v),
            ImportValue::Cell(c) => ImportValue::Cell(*c),
            ImportValue::Unresolved(m) => ImportValue::Unresolved(m),
            ImportValue::Indirect(s) => ImportValue::Indirect(s),
            ImportValue::InstanceExport(i) => ImportValue::InstanceExport(*i),
        });
    }
    fn instantiate(
        &mut self,
        (id, m): &(String, ModuleSpec),
        values: Vec<ImportValue<usize>>,
    ) -> Result<usize, HostError> {
        let mut w = self.0.borrow_mut();
        assert_eq!(values.len(), m.imports.len(), "one value per import");
        let resolved = m
            .imports
            .iter()
            .zip(values)
            .map(|((module, name, _), value)| {
                if let ImportValue::FuncSlot(s) | ImportValue::Indirect(s) = value {
                    assert!(s < w.table_len, "slot {s} exists");
                }
                Bound { module: module.clone(), name: name.clone(), value }
            })
            .collect();
        if w.fail_instantiate.contains(id) {
            return Err(HostError { code: HostErrorCode::InstantiationFailed, message: "start trapped".into() });
        }
        w.instances.push((m.clone(), resolved));
        Ok(w.instances.len() - 1)
    }
    fn file_id(&mut self, m: &(String, ModuleSpec)) -> Option<u64> {
        m.1.file_id
    }
    fn caller(&mut self) -> Option<usize> {
        Some(0)
    }
    fn instance_exports(&mut self, i: &usize) -> Vec<ExportDesc> {
        exports_of(&self.0.borrow().instances[*i].0)
    }
    fn export_value(&mut self, i: &usize, name: &str) -> Option<ExportValue> {
        let mut w = self.0.borrow_mut();
        let exp = w.instances[*i].0.exports.iter().find(|(n, _)| n == name)?.1;
        Some(match exp {
            Exp::Global(v) => ExportValue::GlobalI32(v),
            Exp::Tag => ExportValue::Other,
            Exp::Func => {
                let key = (*i, name.to_string());
                if let Some(&s) = w.slots.get(&key) {
                    ExportValue::FuncSlot(s)
                } else {
                    let s = w.table_len;
                    w.table_len = w.table_len.checked_add(1)?;
                    w.slots.insert(key, s);
                    ExportValue::FuncSlot(s)
                }
            }
        })
    }
    fn release_slots(&mut self, start: u32, count: u32) {
        let mut w = self.0.borrow_mut();
        assert!(start.checked_add(count).is_some_and(|end| end <= w.table_len), "released slots exist");
        w.released.push((start, count));
    }
    fn copy_slot(&mut self, to: u32, from: u32) -> Result<(), HostError> {
        let mut w = self.0.borrow_mut();
        assert!(to < w.table_len && from < w.table_len, "slots exist");
        w.copies.push((to, from));
        Ok(())
    }
    fn grow_table(&mut self, delta: u32) -> Result<u32, HostError> {
        let mut w = self.0.borrow_mut();
        // Like a table with a maximum of 2^24 entries.
        match w.table_len.checked_add(delta).filter(|&n| n <= 1 << 24) {
            Some(n) => {
                w.table_len = n;
                Ok(n - delta)
            }
            None => Err(HostError { code: HostErrorCode::ResourceExhausted, message: String::new() }),
        }
    }
    fn alloc_memory(&mut self, size: u32, align: u32) -> Option<u32> {
        let mut w = self.0.borrow_mut();
        assert!(align.is_power_of_two(), "alignment {align} is a power of two");
        let addr = w.heap_next.checked_add(align - 1)? & !(align - 1);
        w.heap_next = addr.checked_add(size)?;
        w.live_allocs.insert(addr, size);
        Some(addr)
    }
    fn free_memory(&mut self, addr: u32, size: u32, _align: u32) {
        assert_eq!(self.0.borrow_mut().live_allocs.remove(&addr), Some(size), "freed what was allocated");
    }
}

// ---- building modules ------------------------------------------------------------------

pub use encode::{leb, name, read_leb, sub};

/// A side module reserving `mem` bytes, needing `needed`, with weak imports `weak`
/// (`"module.field"`), importing what every side module imports and exporting its constructor.
pub fn side(mem: u32, needed: &[&str], weak: &[&str]) -> ModuleSpec {
    let mut d = Vec::new();
    let mut m = Vec::new();
    for v in [mem, 2, 0, 0] {
        leb(v, &mut m);
    }
    sub(1, m, &mut d);
    if !needed.is_empty() {
        let mut n = Vec::new();
        leb(needed.len() as u32, &mut n);
        needed.iter().for_each(|s| name(s, &mut n));
        sub(2, n, &mut d);
    }
    if !weak.is_empty() {
        let mut n = Vec::new();
        leb(weak.len() as u32, &mut n);
        for w in weak {
            let (module, field) = w.rsplit_once('.').expect("module.field");
            name(module, &mut n);
            name(field, &mut n);
            leb(1, &mut n);
        }
        sub(4, n, &mut d);
    }
    let mut spec = ModuleSpec { dylink: d, dylink_offset: 20, ..Default::default() };
    for (m, n, k) in [
        ("env", "memory", ExternKind::Memory),
        ("env", "__indirect_function_table", ExternKind::Table),
        ("env", "__memory_base", ExternKind::Global),
        ("env", "__table_base", ExternKind::Global),
        ("env", "__stack_pointer", ExternKind::Global),
    ] {
        spec.imports.push((m.into(), n.into(), k));
    }
    spec.exports.push(("__wasm_call_ctors".into(), Exp::Func));
    spec
}

pub fn with_import(mut m: ModuleSpec, module: &str, n: &str, kind: ExternKind) -> ModuleSpec {
    m.imports.push((module.into(), n.into(), kind));
    m
}

pub fn with_export(mut m: ModuleSpec, n: &str, e: Exp) -> ModuleSpec {
    m.exports.push((n.into(), e));
    m
}

/// A linker over a model host serving `files`, with a main program exporting `printf`,
/// `errno` (data) and `shared`, a table of 10 slots and a heap from 0x10000.
pub fn setup(files: Vec<(&str, ModuleSpec)>) -> (Linker<Model>, Model) {
    let main = ModuleSpec {
        exports: vec![("printf".into(), Exp::Func), ("errno".into(), Exp::Global(5000)), ("shared".into(), Exp::Func)],
        ..Default::default()
    };
    let world = World {
        files: files.into_iter().map(|(n, m)| (n.to_string(), m)).collect(),
        table_len: 10,
        heap_next: 0x1_0000,
        instances: vec![(main, Vec::new())],
        ..Default::default()
    };
    let model = Model::new(world);
    let mut linker = Linker::new(model.clone());
    linker.set_cxa_atexit_slot(999);
    (linker, model)
}

pub const NOW: RtldFlags = RtldFlags::NOW;
pub const ENV: SearchEnv<'static> = SearchEnv { ld_library_path: None };

pub fn open(l: &mut Linker<Model>, n: &str, f: RtldFlags) -> Result<Opened, crate::error::DlError> {
    l.open(Some(n), f, ENV)
}

pub fn raw(o: &Opened) -> usize {
    o.handle.to_raw() as usize
}

/// The value instance `inst` had bound to its import named `n`.
pub fn binding(model: &Model, inst: usize, n: &str) -> ImportValue<usize> {
    let w = model.0.borrow();
    w.instances[inst].1.iter().find(|b| b.name == n).expect("import bound").value.clone()
}
