//! `wasi:module-loader` on wasmtime: the same primitives, errors and slot identity as the
//! reference host (host/module-loader.mjs), over wasmtime's core API.

use crate::State;
use std::collections::HashMap;
use std::path::{Component as PathPart, Path, PathBuf};
use wasmtime::component::{Access, HasSelf, Linker, Resource};
use wasmtime::{format_err, Result};
use wasmtime::{
    AsContextMut, Extern, ExternType, Func, Global, GlobalType, Instance as CoreInstance, Memory, Module as CoreModule,
    Mutability, Ref, Table, Val, ValType,
};

wasmtime::component::bindgen!({
    path: "../../wit",
    world: "libdl",
    imports: { default: store | trappable },
    with: {
        "wasi:module-loader/types.module": LoadedModule,
        "wasi:module-loader/types.instance": LoadedInstance,
        "wasi:module-loader/types.global-cell": Cell,
    },
});

use wasi::module_loader::types::{Error, ErrorCode, ExportDesc, ExportValue, ExternKind, ImportValue, Section};

/// A compiled module and its bytes (sections are read from them).
pub struct LoadedModule {
    module: CoreModule,
    bytes: Vec<u8>,
    file_id: Option<u64>,
}

/// A core instance, and the table slots added for its functions (released when the guest
/// drops it).
pub struct LoadedInstance {
    instance: CoreInstance,
    assigned: Vec<u32>,
}

/// A mutable i32 global the guest creates (GOT entries).
pub struct Cell {
    global: Global,
}

/// The caller: the core instance with the guest's linear memory and function table.
#[derive(Clone, Copy)]
struct Caller {
    instance: CoreInstance,
    memory: Memory,
    table: Table,
}

/// The loader's state in the store.
pub struct Loader {
    caller: Option<Caller>,
    /// Function (by its funcref address) -> the first table index it was seen at.
    slots: HashMap<usize, u32>,
    scanned: u64,
    holes: Vec<u32>,
    free: Vec<u32>,
    mounts: Vec<(String, PathBuf)>,
    file_ids: HashMap<(u64, u64), u64>,
}

impl Loader {
    pub fn new(preopens: Vec<(String, PathBuf)>) -> Self {
        let strip = |p: &str| p.trim_start_matches(['/', '.']).trim_end_matches('/').to_string();
        let mounts = preopens.into_iter().map(|(guest, host)| (strip(&guest), host)).collect();
        Loader {
            caller: None,
            slots: HashMap::new(),
            scanned: 0,
            holes: Vec::new(),
            free: Vec::new(),
            mounts,
            file_ids: HashMap::new(),
        }
    }
}

type A<'a> = Access<'a, State, HasSelf<State>>;

fn err<T>(code: ErrorCode, message: impl Into<String>) -> Result<Result<T, Error>> {
    Ok(Err(Error { code, message: message.into() }))
}

/// The caller, found once: the core instance that exports both `memory` and
/// `__indirect_function_table` (side modules import theirs, so they never match).
fn caller(a: &mut A<'_>) -> Result<Caller> {
    if let Some(c) = a.get().loader.caller {
        return Ok(c);
    }
    let mut store = a.as_context_mut();
    let instances = store.as_context_mut().debug_all_instances();
    for instance in instances {
        let memory = instance.get_memory(&mut store, "memory");
        let table = instance.get_table(&mut store, "__indirect_function_table");
        if let (Some(memory), Some(table)) = (memory, table) {
            let c = Caller { instance, memory, table };
            a.get().loader.caller = Some(c);
            return Ok(c);
        }
    }
    wasmtime::bail!("module-loader: no core instance exports memory and __indirect_function_table")
}

/// A function's identity: its funcref's address.
fn identity(store: impl AsContextMut, f: &Func) -> usize {
    f.to_raw(store) as usize
}

/// The table index of `f`: the first one it was seen at, or a new slot (a released one
/// first). Mirrors the reference host's `slotOf`.
fn slot_of(a: &mut A<'_>, f: Func, assigned: &mut Vec<u32>) -> Result<u32> {
    let c = caller(a)?;
    let id = identity(a.as_context_mut(), &f);
    if let Some(&i) = a.get().loader.slots.get(&id) {
        return Ok(i);
    }
    // Read the slots not read yet, and the holes (null slots) met before.
    let holes = std::mem::take(&mut a.get().loader.holes);
    let mut still = Vec::new();
    for i in holes {
        if !register(a, c.table, i) {
            still.push(i);
        }
    }
    let len = c.table.size(a.as_context_mut());
    while a.get().loader.scanned < len {
        let i = a.get().loader.scanned as u32;
        if !register(a, c.table, i) {
            still.push(i);
        }
        a.get().loader.scanned += 1;
    }
    a.get().loader.holes = still;
    if let Some(&i) = a.get().loader.slots.get(&id) {
        return Ok(i);
    }
    let i = match a.get().loader.free.pop() {
        Some(i) => {
            c.table.set(a.as_context_mut(), u64::from(i), Ref::Func(Some(f)))?;
            i
        }
        None => c.table.grow(a.as_context_mut(), 1, Ref::Func(Some(f)))? as u32,
    };
    a.get().loader.slots.insert(id, i);
    assigned.push(i);
    Ok(i)
}

/// Records the function at table index `i`; false if the slot is empty.
fn register(a: &mut A<'_>, table: Table, i: u32) -> bool {
    let Some(Ref::Func(Some(f))) = table.get(a.as_context_mut(), u64::from(i)) else { return false };
    let id = identity(a.as_context_mut(), &f);
    a.get().loader.slots.entry(id).or_insert(i);
    true
}

/// Empties slot `i` and forgets the function recorded there.
fn clear(a: &mut A<'_>, table: Table, i: u32) -> Result<()> {
    if let Some(Ref::Func(Some(f))) = table.get(a.as_context_mut(), u64::from(i)) {
        let id = identity(a.as_context_mut(), &f);
        if a.get().loader.slots.get(&id) == Some(&i) {
            a.get().loader.slots.remove(&id);
        }
    }
    table.set(a.as_context_mut(), u64::from(i), Ref::Func(None))?;
    Ok(())
}

fn kind_of(t: &ExternType) -> ExternKind {
    match t {
        ExternType::Func(_) => ExternKind::Func,
        ExternType::Global(_) => ExternKind::Global,
        ExternType::Table(_) => ExternKind::Table,
        ExternType::Memory(_) => ExternKind::Memory,
        ExternType::Tag(_) => ExternKind::Tag,
    }
}

/// The first section with this id (a custom one, id 0: called `name`): where it starts,
/// where its payload starts, the payload. As the reference host's `findSection`.
fn find_section(bytes: &[u8], id: u8, name: &str) -> Option<Section> {
    let mut p = 8usize;
    let leb = |p: &mut usize| -> Option<u64> {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let b = *bytes.get(*p)?;
            *p += 1;
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 || shift > 35 {
                return Some(v);
            }
        }
    };
    while p < bytes.len() {
        let start = p;
        let sec = bytes[p];
        p += 1;
        let size = leb(&mut p)? as usize;
        let end = p.checked_add(size)?.min(bytes.len());
        if sec == id && id != 0 {
            return Some(Section { start: start as u32, offset: p as u32, data: bytes[p..end].to_vec() });
        }
        if sec == 0 && id == 0 {
            let mut q = p;
            let len = leb(&mut q)? as usize;
            let n = bytes.get(q..q.checked_add(len)?)?;
            if n == name.as_bytes() {
                let off = q + len;
                return Some(Section { start: start as u32, offset: off as u32, data: bytes[off..end].to_vec() });
            }
        }
        p = end;
    }
    None
}

/// Resolves a guest path as wasi-libc does (relative to the guest's root, where the preopen
/// '.' is mounted): the longest preopen prefix wins; `..` and symlinks may not leave it.
fn resolve(loader: &Loader, id: &str) -> Result<PathBuf, Error> {
    let fail = |code, message: String| Error { code, message };
    let path = id.trim_start_matches('/').trim_start_matches("./");
    let mut best: Option<&(String, PathBuf)> = None;
    for m in &loader.mounts {
        let p = &m.0;
        let hit = p.is_empty() || path == p || path.starts_with(&format!("{p}/"));
        if hit && best.is_none_or(|b| p.len() >= b.0.len()) {
            best = Some(m);
        }
    }
    let Some((prefix, host)) = best else {
        return Err(fail(ErrorCode::NotFound, format!("{id}: not within any preopened directory")));
    };
    let rest = path[prefix.len()..].trim_start_matches('/');
    let mut depth = 0i32;
    for part in Path::new(rest).components() {
        match part {
            PathPart::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return Err(fail(
                        ErrorCode::AccessDenied,
                        format!("{id}: leads outside the preopened directories"),
                    ));
                }
            }
            PathPart::Normal(_) => depth += 1,
            _ => {}
        }
    }
    let not_found = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => fail(ErrorCode::NotFound, format!("{id}: no such file")),
        std::io::ErrorKind::PermissionDenied => fail(ErrorCode::AccessDenied, format!("{id}: permission denied")),
        _ => fail(ErrorCode::Other, format!("{id}: {e}")),
    };
    let root = host.canonicalize().map_err(not_found)?;
    let file = root.join(rest).canonicalize().map_err(not_found)?;
    if !file.starts_with(&root) {
        return Err(fail(ErrorCode::AccessDenied, format!("{id}: leads outside the preopened directories")));
    }
    Ok(file)
}

fn compile(
    a: &mut A<'_>,
    bytes: Vec<u8>,
    what: &str,
    file_id: Option<u64>,
) -> Result<Result<Resource<LoadedModule>, Error>> {
    let engine = a.as_context_mut().engine().clone();
    let module = match CoreModule::new(&engine, &bytes) {
        Ok(m) => m,
        Err(e) => return err(ErrorCode::InvalidModule, format!("{what}: {e:#}")),
    };
    Ok(Ok(a.get().table.push(LoadedModule { module, bytes, file_id })?))
}

impl wasi::module_loader::loader::HostWithStore<State> for HasSelf<State> {
    fn load(mut a: A<'_>, id: String) -> Result<Result<Resource<LoadedModule>, Error>> {
        let file = match resolve(&a.get().loader, &id) {
            Ok(f) => f,
            Err(e) => return Ok(Err(e)),
        };
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
                return err(ErrorCode::InvalidModule, format!("{id}: is a directory"))
            }
            Err(e) => return err(ErrorCode::Other, format!("{id}: {e}")),
        };
        let file_id = {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(&file)?;
            let ids = &mut a.get().loader.file_ids;
            let n = ids.len() as u64 + 1;
            *ids.entry((meta.dev(), meta.ino())).or_insert(n)
        };
        compile(&mut a, bytes, &id, Some(file_id))
    }

    fn caller(mut a: A<'_>) -> Result<Resource<LoadedInstance>> {
        let c = caller(&mut a)?;
        Ok(a.get().table.push(LoadedInstance { instance: c.instance, assigned: Vec::new() })?)
    }

    fn grow_table(mut a: A<'_>, delta: u32) -> Result<Result<u32, Error>> {
        let c = caller(&mut a)?;
        match c.table.grow(a.as_context_mut(), u64::from(delta), Ref::Func(None)) {
            Ok(old) => Ok(Ok(old as u32)),
            Err(e) => err(ErrorCode::ResourceExhausted, format!("cannot grow the table by {delta}: {e:#}")),
        }
    }

    fn release_slots(mut a: A<'_>, start: u32, count: u32) -> Result<()> {
        let c = caller(&mut a)?;
        let len = c.table.size(a.as_context_mut());
        for i in start..start.saturating_add(count) {
            if u64::from(i) >= len {
                break;
            }
            clear(&mut a, c.table, i)?;
            a.get().loader.holes.push(i);
        }
        Ok(())
    }

    fn copy_slot(mut a: A<'_>, to: u32, from: u32) -> Result<Result<(), Error>> {
        let c = caller(&mut a)?;
        let len = c.table.size(a.as_context_mut());
        if u64::from(to) >= len || u64::from(from) >= len {
            return err(ErrorCode::LinkError, format!("copy-slot {from} -> {to}: index out of bounds"));
        }
        let f = c.table.get(a.as_context_mut(), u64::from(from)).unwrap_or(Ref::Func(None));
        c.table.set(a.as_context_mut(), u64::from(to), f)?;
        Ok(Ok(()))
    }
}

impl wasi::module_loader::loader::Host for State {}

impl wasi::module_loader::types::HostModuleWithStore<State> for HasSelf<State> {
    fn section(mut a: A<'_>, m: Resource<LoadedModule>, id: u8, name: String) -> Result<Option<Section>> {
        let m = a.get().table.get(&m)?;
        Ok(find_section(&m.bytes, id, &name))
    }

    fn file_id(mut a: A<'_>, m: Resource<LoadedModule>) -> Result<Option<u64>> {
        Ok(a.get().table.get(&m)?.file_id)
    }

    fn instantiate(
        mut a: A<'_>,
        m: Resource<LoadedModule>,
        values: Vec<ImportValue>,
    ) -> Result<Result<Resource<LoadedInstance>, Error>> {
        let c = caller(&mut a)?;
        let module = a.get().table.get(&m)?.module.clone();
        let imports: Vec<_> =
            module.imports().map(|i| (i.module().to_string(), i.name().to_string(), i.ty())).collect();
        if values.len() != imports.len() {
            return err(
                ErrorCode::LinkError,
                format!("{} import values for a module with {} imports", values.len(), imports.len()),
            );
        }
        let mut externs = Vec::with_capacity(imports.len());
        for ((module_name, name, ty), value) in imports.into_iter().zip(values) {
            let what = format!("{module_name}.{name}");
            let e: Extern = match value {
                ImportValue::CallerMemory => c.memory.into(),
                ImportValue::CallerTable => c.table.into(),
                ImportValue::CallerExport => match c.instance.get_export(a.as_context_mut(), &name) {
                    Some(e) => e,
                    None => return err(ErrorCode::LinkError, format!("{what}: the caller has no export named {name}")),
                },
                ImportValue::FuncSlot(i) => match c.table.get(a.as_context_mut(), u64::from(i)) {
                    Some(Ref::Func(Some(f))) => f.into(),
                    _ => return err(ErrorCode::LinkError, format!("{what}: table slot {i} holds no function")),
                },
                ImportValue::ConstI32(v) => {
                    Global::new(a.as_context_mut(), GlobalType::new(ValType::I32, Mutability::Const), Val::I32(v))?
                        .into()
                }
                ImportValue::Cell(cell) => a.get().table.get(&cell)?.global.into(),
                ImportValue::Unresolved(message) => {
                    let ExternType::Func(ft) = ty else {
                        return err(ErrorCode::LinkError, format!("{what}: unresolved, and not a function"));
                    };
                    Func::new(a.as_context_mut(), ft, move |_, _, _| Err(format_err!("{message}"))).into()
                }
                ImportValue::InstanceExport(i) => {
                    let instance = a.get().table.get(&i)?.instance;
                    match instance.get_export(a.as_context_mut(), &name) {
                        Some(e) => e,
                        None => {
                            return err(
                                ErrorCode::LinkError,
                                format!("{what}: the instance has no export named {name}"),
                            )
                        }
                    }
                }
                ImportValue::Indirect(slot) => {
                    let ExternType::Func(ft) = ty else {
                        return err(ErrorCode::LinkError, format!("{what}: late-bound, and not a function"));
                    };
                    let table = c.table;
                    Func::new(a.as_context_mut(), ft, move |mut caller, params, results| {
                        match table.get(&mut caller, u64::from(slot)) {
                            Some(Ref::Func(Some(f))) => f.call(&mut caller, params, results),
                            _ => Err(format_err!("late-bound table slot {slot} is empty")),
                        }
                    })
                    .into()
                }
            };
            externs.push(e);
        }
        match CoreInstance::new(a.as_context_mut(), &module, &externs) {
            Ok(instance) => Ok(Ok(a.get().table.push(LoadedInstance { instance, assigned: Vec::new() })?)),
            Err(e) if e.downcast_ref::<wasmtime::Trap>().is_some() => {
                err(ErrorCode::InstantiationFailed, format!("instantiate: {e:#}"))
            }
            Err(e) => err(ErrorCode::LinkError, format!("instantiate: {e:#}")),
        }
    }

    fn drop(mut a: A<'_>, m: Resource<LoadedModule>) -> Result<()> {
        a.get().table.delete(m)?;
        Ok(())
    }
}

impl wasi::module_loader::types::HostInstanceWithStore<State> for HasSelf<State> {
    fn exports(mut a: A<'_>, i: Resource<LoadedInstance>) -> Result<Vec<ExportDesc>> {
        let inst = a.get().table.get(&i)?.instance;
        let mut store = a.as_context_mut();
        let exports: Vec<(String, Extern)> =
            inst.exports(&mut store).map(|e| (e.name().to_string(), e.into_extern())).collect();
        Ok(exports.into_iter().map(|(name, e)| ExportDesc { name, kind: kind_of(&e.ty(&store)) }).collect())
    }

    fn export_value(mut a: A<'_>, i: Resource<LoadedInstance>, name: String) -> Result<Option<ExportValue>> {
        let inst = a.get().table.get(&i)?.instance;
        let Some(e) = inst.get_export(a.as_context_mut(), &name) else { return Ok(None) };
        Ok(Some(match e {
            Extern::Func(f) => {
                let mut assigned = std::mem::take(&mut a.get().table.get_mut(&i)?.assigned);
                let slot = slot_of(&mut a, f, &mut assigned);
                a.get().table.get_mut(&i)?.assigned = assigned;
                ExportValue::FuncSlot(slot?)
            }
            Extern::Global(g) => match g.get(a.as_context_mut()) {
                Val::I32(v) => ExportValue::GlobalI32(v),
                _ => ExportValue::Other(ExternKind::Global),
            },
            Extern::Table(_) => ExportValue::Other(ExternKind::Table),
            Extern::Memory(_) | Extern::SharedMemory(_) => ExportValue::Other(ExternKind::Memory),
            Extern::Tag(_) => ExportValue::Other(ExternKind::Tag),
        }))
    }

    fn drop(mut a: A<'_>, i: Resource<LoadedInstance>) -> Result<()> {
        let inst = a.get().table.delete(i)?;
        if !inst.assigned.is_empty() {
            let c = caller(&mut a)?;
            for slot in inst.assigned {
                clear(&mut a, c.table, slot)?;
                a.get().loader.free.push(slot);
            }
        }
        Ok(())
    }
}

impl wasi::module_loader::types::HostGlobalCellWithStore<State> for HasSelf<State> {
    fn new(mut a: A<'_>, value: i32) -> Result<Resource<Cell>> {
        let global = Global::new(a.as_context_mut(), GlobalType::new(ValType::I32, Mutability::Var), Val::I32(value))?;
        Ok(a.get().table.push(Cell { global })?)
    }

    fn get(mut a: A<'_>, c: Resource<Cell>) -> Result<i32> {
        let g = a.get().table.get(&c)?.global;
        Ok(g.get(a.as_context_mut()).unwrap_i32())
    }

    fn set(mut a: A<'_>, c: Resource<Cell>, value: i32) -> Result<()> {
        let g = a.get().table.get(&c)?.global;
        g.set(a.as_context_mut(), Val::I32(value))?;
        Ok(())
    }

    fn drop(mut a: A<'_>, c: Resource<Cell>) -> Result<()> {
        a.get().table.delete(c)?;
        Ok(())
    }
}

impl wasi::module_loader::types::Host for State {}
impl wasi::module_loader::types::HostModule for State {}
impl wasi::module_loader::types::HostInstance for State {}
impl wasi::module_loader::types::HostGlobalCell for State {}

pub fn add_to_linker(linker: &mut Linker<State>) -> Result<()> {
    Libdl::add_to_linker::<State, HasSelf<State>>(linker, |s| s)
}
