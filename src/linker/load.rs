//! Loading: search, dylink.0, memory and table placement, import binding, instantiation.
//! A failed `dlopen` loads nothing: every library it created is removed again ([`Linker::rollback`]).

use super::{LibState, Library, Linker, SearchEnv};
use crate::dylink::{Dylink, MemInfo};
use crate::error::{DlError, ErrorKind};
use crate::handles::Handle;
use crate::host::{ExternKind, Host, HostErrorCode, ImportDesc, ImportValue};
use crate::search::{candidates, dirname};
use crate::sections;
use crate::symbols::{Symbol, SymbolTable};
use alloc::string::String;
use alloc::vec::Vec;

/// Where the first section of a module starts: after the magic and the version.
const FIRST_SECTION: u32 = 8;

/// What one `dlopen` did, so it can be undone, and what it still has to finish.
pub(crate) struct Txn<C> {
    /// Libraries created, in creation order.
    created: Vec<Handle>,
    /// Functions to run after commit: data relocations then constructors, dependencies first.
    pub(crate) init: Vec<u32>,
    /// Bindings waiting for a library of this `dlopen` to be instantiated.
    late: Vec<Late>,
    /// The `GOT.*` cells of every library this `dlopen` instantiated ([`Fill::Cell`] is an
    /// index here), kept until the `dlopen` ends.
    cells: Vec<C>,
}

impl<C> Default for Txn<C> {
    fn default() -> Self {
        Txn { created: Vec::new(), init: Vec::new(), late: Vec::new(), cells: Vec::new() }
    }
}

/// A binding whose value is only known once `target` is instantiated: a GOT cell for a
/// symbol of the library being linked itself, or any binding to a library that is still
/// being linked further up a dependency cycle (A needs B needs A: B is instantiated first).
struct Late {
    target: Handle,
    /// The symbol as resolution found it in `target`.
    sym: Symbol,
    name: String,
    fill: Fill,
}

enum Fill {
    /// A `GOT.mem` / `GOT.func` cell (index in [`Txn::cells`]) to set to the symbol's value.
    Cell(usize),
    /// A table slot an `indirect` import calls through, to fill with the function.
    Slot(u32),
}

/// The prefix of the link description's exports about library `name` of kind `tag`
/// (`TAG\0NAME\0`).
fn about(tag: u8, name: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(name.len() + 3);
    p.extend_from_slice(&[tag, 0]);
    p.extend_from_slice(name);
    p.push(0);
    p
}

/// Calls `f(rest, value)` for every export `PREFIX rest` of the link description
/// ([`STARTUP`]).
///
/// [`STARTUP`]: crate::linktime::STARTUP
fn link_info(table: crate::linktime::Libraries<'_>, prefix: &[u8], mut f: impl FnMut(&[u8], u32)) {
    let Ok(list) = table.find(crate::linktime::STARTUP) else { return };
    for e in list.symbols() {
        e.name.with(|n| {
            if let Some(rest) = n.strip_prefix(prefix) {
                f(rest, e.value);
            }
        });
    }
}

/// The `rest` of every export `PREFIX rest` of the link description, in the order of their
/// values (the startup objects' global-scope order, a library's NEEDED order).
fn link_names(table: crate::linktime::Libraries<'_>, prefix: &[u8]) -> Vec<String> {
    let (mut names, mut order) = (Vec::new(), Vec::new());
    link_info(table, prefix, |rest, value| {
        order.push(u64::from(value) << 32 | names.len() as u64);
        names.push(crate::text::lossy(rest));
    });
    super::info::sort(&mut order);
    order.iter().map(|&k| core::mem::take(&mut names[k as u32 as usize])).collect()
}

/// Gives the functions of link-time library `name` that have a GOT slot (`g` cells of the
/// link description) that slot as their value, which `&f` inside the libraries evaluates to,
/// in place of the slot of wit-component's table.
fn got_slots(table: crate::linktime::Libraries<'_>, name: &[u8], symbols: &SymbolTable) {
    link_info(table, &about(b'g', name), |sym, cell| {
        if let Some(slot) = table.cell(cell).filter(|&s| s != 0) {
            symbols.resolve(sym, slot);
        }
    });
}

/// The export under which a link-time library keeps its constructors for `dlopen` to run:
/// `bin/wasm32-wasip2-link` renames `__wasm_call_ctors` so in the libraries only `dlopen`
/// reaches (wit-component would run `__wasm_call_ctors` when the component starts, before the
/// program's own constructors: a C++ plugin's static objects would then use `std::cout`
/// before libc++ set it up). Constructors then run at the first `dlopen`, as in runtime mode
/// and on ELF systems.
pub(crate) const LINKTIME_CTORS: &[u8] = b"__wasm_libdl_ctors";

impl<H: Host> Linker<H> {
    /// A loaded library that `name` refers to, without loading anything: a library of the
    /// link-time table (exact name, then basename), or one loaded before under any of the ids
    /// the search would try. When there is none: those ids, in search order (what
    /// [`Linker::find_or_load`] then tries to load, without searching again).
    pub(super) fn find_loaded(
        &mut self,
        name: &str,
        origin: &str,
        runpath: &[&str],
        env: SearchEnv<'_>,
        adopt: Option<&mut Vec<u32>>,
    ) -> Result<Result<Handle, Vec<String>>, DlError> {
        if let Some(h) = self.adopt_linktime(name, adopt)? {
            return Ok(Ok(h));
        }
        if let Some(h) = self.by_name.get(name) {
            return Ok(Ok(h));
        }
        // A library the program has linked in and says it provides (`PROVIDES` + NAME, see
        // there): the program, as a DT_NEEDED of an ELF library finds the object already
        // loaded under that soname, instead of a second copy. (After the lookup by name: a
        // library already loaded costs no key to build.)
        if let Some(main) = self.main.filter(|&m| {
            let mut key = Vec::from(super::PROVIDES);
            key.extend_from_slice(name.as_bytes());
            self.libs.get(m).is_some_and(|l| l.symbols.contains(&key))
        }) {
            return Ok(Ok(main));
        }
        let ids = candidates(name, env.ld_library_path, runpath, origin);
        Ok(ids.iter().find_map(|c| self.by_name.get(c)).ok_or(ids))
    }

    /// The entry for a library of the link-time table, created on first use (`adopt`; a
    /// library not adopted yet is not loaded for `RTLD_NOLOAD`, as in runtime mode). Such a
    /// library was instantiated with the component and can never be unloaded: it is
    /// `RTLD_NODELETE`. Its NEEDED libraries are adopted with it when the link description
    /// ([`crate::linktime::STARTUP`]) records them; without one its local scope is itself.
    /// Its constructors ran with the component, unless it exports them as
    /// [`LINKTIME_CTORS`]: then they join `init` (the `dlopen`'s constructors, `None` for one
    /// that must not adopt), after its dependencies'.
    fn adopt_linktime(&mut self, name: &str, init: Option<&mut Vec<u32>>) -> Result<Option<Handle>, DlError> {
        // On wasm32 only the `linktime` build ever sets a table (`runtime::new_linker`);
        // the others leave this code out.
        if cfg!(all(target_arch = "wasm32", not(feature = "linktime"))) {
            return Ok(None);
        }
        let table = match &self.linktime {
            None => return Ok(None),
            Some(Ok(table)) => *table,
            Some(Err(error)) => {
                return Err(DlError::at(
                    ErrorKind::BadSection { section: "link-time library table", error: *error },
                    name,
                ))
            }
        };
        let Some(entry) = table.find(name.as_bytes()).ok().filter(|e| !e.name.is(crate::linktime::STARTUP)) else {
            return Ok(None);
        };
        let lib_name = entry.name.with(crate::text::lossy);
        if let Some(h) = self.by_name.get(&lib_name) {
            return Ok(Some(h));
        }
        let Some(init) = init else {
            return Err(DlError::at(ErrorKind::NotLoaded, name));
        };
        let symbols = SymbolTable::from_resolved(entry.symbols());
        entry.name.with(|n| got_slots(table, n, &symbols));
        let ctors = symbols.get(LINKTIME_CTORS).and_then(|s| s.value());
        // Known by the path it was opened with, if any, as in runtime mode (`dli_fname`,
        // `l_name`, `RTLD_DI_ORIGIN`); the index keeps the name it was linked under.
        let shown = if name.contains('/') { crate::search::normalize(name) } else { lib_name.clone() };
        let mut lib = Library::new(shown, symbols);
        (lib.state, lib.nodelete) = (LibState::Ready, true);
        let h = self.insert(lib)?;
        self.ready_order.push(h);
        self.by_name.insert(lib_name, h);
        // Its NEEDED libraries (`n` entries of the link description), adopted with it: its
        // local scope is itself and them, breadth-first, as in runtime mode.
        for dep in entry.name.with(|n| link_names(table, &about(b'n', n))) {
            if let Ok(Some(d)) = self.adopt_linktime(&dep, Some(&mut *init)) {
                let deps = &mut self.libs.get_mut(h).expect("live").deps;
                if d != h && !deps.contains(&d) {
                    deps.push(d);
                }
            }
        }
        let group = self.group_of(h);
        self.libs.get_mut(h).expect("live").group = group;
        init.extend(ctors);
        Ok(Some(h))
    }

    /// Adopts what the link-time table's [`crate::linktime::STARTUP`] list names, the program
    /// as it started: its first entry is the main program `main` (whose symbols it gives),
    /// the others are libraries loaded with it, global, in that order.
    pub(super) fn adopt_startup(&mut self, main: Handle) {
        let Some(Ok(table)) = self.linktime else { return };
        // `s\0NAME` entries: NAME is loaded at start; the values give the order.
        for (k, name) in link_names(table, b"s\0").into_iter().enumerate() {
            if k == 0 {
                if let (Ok(entry), Some(lib)) = (table.find(name.as_bytes()), self.libs.get_mut(main)) {
                    lib.symbols = SymbolTable::from_resolved(entry.symbols());
                    got_slots(table, name.as_bytes(), &lib.symbols);
                }
                self.by_name.insert(name, main);
            } else if let Ok(Some(h)) = self.adopt_linktime(&name, Some(&mut Vec::new())) {
                self.make_global(h);
            }
        }
    }

    /// The library `name` refers to: one loaded before (by name, or by file: a symlink or
    /// hard link to it), else the first module the search finds, linked within `txn`. Without
    /// a `txn` (`RTLD_NOLOAD`) nothing new is linked: a file not loaded yet is `NotLoaded`.
    pub(super) fn find_or_load(
        &mut self,
        name: &str,
        origin: &str,
        runpath: &[&str],
        env: SearchEnv<'_>,
        mut txn: Option<&mut Txn<H::Cell>>,
    ) -> Result<Handle, DlError> {
        let ids = match self.find_loaded(name, origin, runpath, env, txn.as_deref_mut().map(|t| &mut t.init))? {
            Ok(h) => return Ok(h),
            Err(ids) => ids,
        };
        for id in &ids {
            match self.host.load(id) {
                Ok(module) => {
                    // The same file under another name (a symlink, a hard link): the library
                    // loaded from it, as glibc identifies a library by device and inode.
                    let file_id = self.host.file_id(&module);
                    if let Some(h) = file_id.and_then(|f| self.loaded_from(f)) {
                        return Ok(h);
                    }
                    return match txn {
                        Some(txn) => self.link_new(id, module, file_id, env, txn),
                        None => Err(DlError::at(ErrorKind::NotLoaded, name)),
                    };
                }
                Err(e) if e.code == HostErrorCode::NotFound => continue,
                Err(e) => return Err(DlError::from_host(id, e)),
            }
        }
        Err(DlError::at(ErrorKind::NotFound, name))
    }

    /// The library (not being unloaded) loaded from the file the host numbers `file_id`.
    fn loaded_from(&self, file_id: u64) -> Option<Handle> {
        self.libs.iter().find(|(_, l)| l.file_id == Some(file_id) && l.state != LibState::Closing).map(|(h, _)| h)
    }

    /// Links a freshly loaded module under `id`; dependencies first.
    fn link_new(
        &mut self,
        id: &str,
        module: H::Module,
        file_id: Option<u64>,
        env: SearchEnv<'_>,
        txn: &mut Txn<H::Cell>,
    ) -> Result<Handle, DlError> {
        let section = self
            .host
            .section(&module, sections::CUSTOM, "dylink.0")
            .ok_or_else(|| DlError::at(ErrorKind::NotSideModule, id))?;
        if section.start != FIRST_SECTION {
            return Err(DlError::at(ErrorKind::DylinkNotFirst { offset: section.start }, id));
        }
        // Names stay borrowed from the section's bytes while the library is linked.
        let dylink = Dylink::parse(&section.data, section.offset as usize)
            .map_err(|error| DlError::at(ErrorKind::Malformed(error), id))?;
        if dylink.exports_tls || self.uses_tls(&module) {
            return Err(DlError::at(ErrorKind::Unsupported { what: "thread-local storage" }, id));
        }
        let symbols = match self.host.section(&module, sections::EXPORT, "") {
            Some(s) => SymbolTable::from_export_section(s.data, s.offset as usize),
            None => SymbolTable::default(),
        };
        let mut lib = Library::new(String::from(id), symbols);
        lib.file_id = file_id;
        let h = self.insert(lib)?;
        self.by_name.insert(String::from(id), h);
        txn.created.push(h);

        let origin = dirname(id);
        for needed in &dylink.needed {
            let dep = self
                .find_or_load(needed, origin, &dylink.runtime_path, env, Some(txn))
                .map_err(|cause| DlError::dependency(id, cause))?;
            if dep == h {
                return Err(DlError::at(ErrorKind::SelfDependency, id));
            }
            // A dependency still `Loading` closes a cycle: it is instantiated after this
            // library, which binds to it late (see `Late`).
            let deps = &mut self.libs.get_mut(h).expect("live").deps;
            if !deps.contains(&dep) {
                deps.push(dep);
            }
        }
        let group = self.group_of(h);
        debug_assert_eq!(group[0], h);
        self.libs.get_mut(h).expect("live").group = group;

        self.place(h, id, dylink.mem_info)?;
        let instance = self.bind_and_instantiate(h, id, &dylink, &module, txn)?;
        self.libs.get_mut(h).expect("live").instance = Some(instance);
        self.fill_late(h, id, txn)?;
        // Data relocations, then constructors (not a loop over an array of the two names:
        // each `&str` in it would cost a data relocation).
        self.push_init(h, "__wasm_apply_data_relocs", txn);
        self.push_init(h, "__wasm_call_ctors", txn);
        self.libs.get_mut(h).expect("live").state = LibState::Ready;
        self.ready_order.push(h);
        Ok(h)
    }

    /// Whether the module keeps real thread-local storage: a module built with atomics and
    /// bulk memory (`-pthread`) but linked without shared memory gets from wasm-ld 19 an
    /// immutable `__tls_base` of 0 and no `__wasm_init_tls`, so its thread-locals would live
    /// at address 0 of the program's memory and no loader can move them. Such a module is
    /// refused (DynamicLinking.md's TLS needs shared memory, which WASI 0.2 programs do not
    /// have). Exported thread-locals show in dylink.0 ([`Dylink::exports_tls`]); hidden ones
    /// only in the name section, which names the module's `__tls_base` global. A module built
    /// without `-pthread` has no `__tls_base`: its `_Thread_local`s are plain data and work.
    /// The name section (which can be large) is only read for a module whose
    /// `target_features` enables atomics, which real TLS needs, or that has none.
    fn uses_tls(&mut self, module: &H::Module) -> bool {
        if let Some(f) = self.host.section(module, sections::CUSTOM, "target_features") {
            if !sections::may_enable_atomics(&f.data) {
                return false;
            }
        }
        let Some(s) = self.host.section(module, sections::CUSTOM, "name") else { return false };
        sections::names_global(&s.data, s.offset as usize, "__tls_base")
    }

    /// The library, then its dependencies breadth-first, each once.
    fn group_of(&self, h: Handle) -> Vec<Handle> {
        let mut group = alloc::vec![h];
        let mut i = 0;
        while i < group.len() {
            if let Some(lib) = self.libs.get(group[i]) {
                for &d in &lib.deps {
                    if !group.contains(&d) {
                        group.push(d);
                    }
                }
            }
            i += 1;
        }
        group
    }

    /// Recomputes the local scopes of the libraries a successful `dlopen` created. A library
    /// linked inside a dependency cycle took its scope before the library further up the
    /// cycle had all its dependencies (A needs B and C, B needs A: B's scope lacked C).
    pub(super) fn complete_groups(&mut self, txn: &Txn<H::Cell>) {
        for &h in &txn.created {
            let group = self.group_of(h);
            self.libs.get_mut(h).expect("live").group = group;
        }
    }

    /// Reserves the library's memory (zeroed, aligned) and table slots.
    fn place(&mut self, h: Handle, id: &str, info: MemInfo) -> Result<(), DlError> {
        let align = 1u32 << info.memory_align;
        let reserved = info.memory_size.max(1);
        let oom = || DlError::at(ErrorKind::OutOfMemory, id);
        let mem_base = self.host.alloc_memory(reserved, align).ok_or_else(oom)?;
        {
            let lib = self.libs.get_mut(h).expect("live");
            (lib.mem_base, lib.mem_reserved, lib.mem_align) = (mem_base, reserved, align);
        }
        if info.table_size > 0 {
            // A table alignment beyond 2^16 slots is not something a real module asks for.
            if info.table_align > 16 || info.table_size.checked_add(1 << info.table_align).is_none() {
                return Err(oom());
            }
            let talign = 1u32 << info.table_align;
            let base = self.reserve_slots(info.table_size, talign).map_err(|_| oom())?;
            let lib = self.libs.get_mut(h).expect("live");
            (lib.table_base, lib.table_size) = (base, info.table_size);
        }
        Ok(())
    }

    fn bind_and_instantiate(
        &mut self,
        h: Handle,
        id: &str,
        dylink: &Dylink<'_>,
        module: &H::Module,
        txn: &mut Txn<H::Cell>,
    ) -> Result<H::Instance, DlError> {
        // One value per import, in import-section order.
        let mut values = H::Imports::default();
        if let Some(s) = self.host.section(module, sections::IMPORT, "") {
            let bad = |error| DlError::at(ErrorKind::BadSection { section: "import section", error }, id);
            for imp in sections::imports(&s.data, s.offset as usize).map_err(bad)? {
                self.bind(h, id, dylink, imp.map_err(bad)?, txn, &mut values)?;
            }
        }
        self.host.instantiate(module, values).map_err(|e| DlError::from_host(id, e))
    }

    /// Completes the bindings that were waiting for library `h` to be instantiated.
    fn fill_late(&mut self, h: Handle, id: &str, txn: &mut Txn<H::Cell>) -> Result<(), DlError> {
        let mut i = 0;
        while i < txn.late.len() {
            if txn.late[i].target != h {
                i += 1;
                continue;
            }
            let late = txn.late.swap_remove(i);
            let value = self.value_of(h, late.name.as_bytes(), late.sym).ok_or_else(|| {
                // The import's module: a slot is filled for a function import; a cell for a
                // `GOT.*` entry, of the kind of the symbol (checked when it was bound).
                let module = match (&late.fill, late.sym) {
                    (Fill::Slot(_), _) => "env",
                    (Fill::Cell(_), Symbol::Func(_)) => "GOT.func",
                    (Fill::Cell(_), _) => "GOT.mem",
                };
                DlError::import(ErrorKind::UnresolvedImport, id, module, &late.name)
            })?;
            match late.fill {
                Fill::Cell(cell) => self.host.set_cell(&txn.cells[cell], value as i32),
                Fill::Slot(slot) => self.host.copy_slot(slot, value).map_err(|e| DlError::from_host(id, e))?,
            }
        }
        Ok(())
    }

    /// Whether `sym` of library `owner` has a value now (it is cached, or its library is
    /// instantiated and can be asked).
    fn available(&self, owner: Handle, sym: Symbol) -> bool {
        sym.value().is_some() || self.libs.get(owner).is_some_and(|l| l.instance.is_some())
    }

    /// Decides what one import is bound to, and appends that to `values`.
    fn bind(
        &mut self,
        h: Handle,
        id: &str,
        dylink: &Dylink<'_>,
        imp: ImportDesc<'_>,
        txn: &mut Txn<H::Cell>,
        values: &mut H::Imports,
    ) -> Result<(), DlError> {
        let lib = self.libs.get(h).expect("live");
        let unresolved = || DlError::import(ErrorKind::UnresolvedImport, id, imp.module, imp.name);
        let value = match (imp.module, imp.name, imp.kind) {
            ("env", "memory", ExternKind::Memory) => ImportValue::CallerMemory,
            ("env", "__indirect_function_table", ExternKind::Table) => ImportValue::CallerTable,
            ("env", "__memory_base", ExternKind::Global) => ImportValue::ConstI32(lib.mem_base as i32),
            ("env", "__table_base", ExternKind::Global) => ImportValue::ConstI32(lib.table_base as i32),
            ("env", "__stack_pointer", ExternKind::Global) => ImportValue::CallerExport,
            // An exception tag (`__c_longjmp` of setjmp/longjmp, C++'s `__cpp_exception`) is
            // one per process: the program's when it has one (bin/wasm32-wasip2-clang exports
            // it for `-lsetjmp`, bin/wasm32-wasip2-clang++ for C++), else one of the library's
            // NEEDED libraries' (`libc++.so`, which a C program loads for its C++ plugins).
            // With none, the program's: the host fails the link, naming the tag.
            // (A library in its local scope: nothing to keep loaded.)
            ("env", name, ExternKind::Tag) => match self.tag_owner(h, name).filter(|&o| Some(o) != self.main) {
                Some(owner) => {
                    ImportValue::InstanceExport(self.libs.get(owner).and_then(|l| l.instance.as_ref()).expect("asked"))
                }
                None => ImportValue::CallerExport,
            },
            ("env", "__cxa_atexit", ExternKind::Func) if self.cxa_atexit_slot != 0 => {
                ImportValue::FuncSlot(self.cxa_atexit_slot)
            }
            ("env", name, ExternKind::Global) => {
                // Other globals can only come from the caller (e.g. `__heap_base`).
                let main = self.main.expect("main initialised");
                match self.libs.get(main).and_then(|m| m.symbols.get(name.as_bytes())) {
                    Some(Symbol::Data(_)) => ImportValue::CallerExport,
                    _ if name.starts_with("__tls_") => {
                        return Err(DlError::at(ErrorKind::Unsupported { what: "thread-local storage" }, id))
                    }
                    _ => return Err(unresolved()),
                }
            }
            // A function is bound to its table slot; a `GOT.*` entry to a cell holding the
            // symbol's address or slot.
            ("env", name, ExternKind::Func) | ("GOT.mem" | "GOT.func", name, ExternKind::Global) => {
                let got = imp.kind == ExternKind::Global;
                let want_func = imp.module != "GOT.mem";
                // A library's own definition can be what resolution finds: wasm-ld imports a
                // preemptible (weak, default-visibility) function for the library's own calls
                // and exports its definition, so unless an earlier scope interposes, the import
                // is bound to the library itself, late (below), as ELF binds it.
                let found = self.resolve_for(h, name.as_bytes());
                let mut late_slot = None;
                let value = match found {
                    Some((_, sym)) if sym.is_func() == Some(!want_func) => {
                        let expected = if want_func { "a function" } else { "data" };
                        return Err(DlError::import(ErrorKind::ImportKind { expected }, id, imp.module, name));
                    }
                    Some((owner, sym)) if owner != h && self.available(owner, sym) => {
                        let value = self.value_of(owner, name.as_bytes(), sym).ok_or_else(unresolved)?;
                        self.keep_bound(h, owner);
                        Some(value)
                    }
                    // Defined by this library or by one further up a dependency cycle: known
                    // once that library is instantiated. A function is called through a slot
                    // filled then.
                    Some((owner, sym)) => {
                        let fill = if got {
                            Fill::Cell(txn.cells.len())
                        } else {
                            let slot = self.reserve_slots(1, 1).map_err(|e| DlError::from_host(id, e))?;
                            self.libs.get_mut(h).expect("live").stubs.push(slot);
                            late_slot = Some(slot);
                            Fill::Slot(slot)
                        };
                        txn.late.push(Late { target: owner, sym, name: String::from(name), fill });
                        None
                    }
                    None if dylink.is_weak_import(imp.module, name) => None,
                    None => return Err(unresolved()),
                };
                if got {
                    txn.cells.push(self.host.new_cell(value.unwrap_or(0) as i32));
                    ImportValue::Cell(&txn.cells[txn.cells.len() - 1])
                } else if let Some(v) = value {
                    ImportValue::FuncSlot(v)
                } else if let Some(slot) = late_slot {
                    ImportValue::Indirect(slot)
                } else {
                    let mut t = crate::text::Text::new();
                    t.str(id).str(": call to unresolved weak function ").str(name);
                    ImportValue::Unresolved(t.into_string())
                }
            }
            _ => return Err(unresolved()),
        };
        self.host.push_import(values, value);
        Ok(())
    }

    /// The library that defines exception tag `name` for library `h`: the program, else the
    /// first of its local scope (itself and its NEEDED libraries) whose instance exports
    /// something so named that is not a function or an i32 global (tags are not C symbols, so
    /// not in the symbol tables; the host is asked, which is rare: only tag imports come here).
    fn tag_owner(&mut self, h: Handle, name: &str) -> Option<Handle> {
        let group = self.libs.get(h).map(|l| &l.group[..]).unwrap_or(&[]);
        for &x in self.main.iter().chain(group) {
            let Some(instance) = self.libs.get(x).and_then(|l| l.instance.as_ref()) else { continue };
            if self.host.export_value(instance, name) == Some(crate::host::ExportValue::Other) {
                return Some(x);
            }
        }
        None
    }

    /// Library `h` was bound to a definition in `owner`: if `owner` is outside `h`'s local
    /// scope (a global library), `h` keeps it loaded, as glibc's relocation dependencies do,
    /// so that no import of `h` is left pointing into an unloaded library.
    fn keep_bound(&mut self, h: Handle, owner: Handle) {
        if Some(owner) == self.main {
            return;
        }
        let lib = self.libs.get_mut(h).expect("live");
        if !lib.group.contains(&owner) && !lib.bound_to.contains(&owner) {
            lib.bound_to.push(owner);
        }
    }

    /// Adds function export `name` of library `h` to the functions to run after commit, if
    /// the library has it: its table index, straight from the instance (not the symbol table,
    /// so linker-internal exports work too).
    fn push_init(&mut self, h: Handle, name: &str, txn: &mut Txn<H::Cell>) {
        let Some(instance) = self.libs.get(h).and_then(|l| l.instance.as_ref()) else { return };
        if let Some(crate::host::ExportValue::FuncSlot(s)) = self.host.export_value(instance, name) {
            txn.init.push(s);
        }
    }

    /// Undoes a failed `dlopen`: drops every library it created.
    pub(super) fn rollback(&mut self, txn: Txn<H::Cell>) {
        for &h in txn.created.iter().rev() {
            self.discard(h, true);
        }
    }
}
