//! The guest-side dynamic linker: all dylink.0 policy, generic over the [`Host`] primitives.
//!
//! Loader duties follow tool-conventions `DynamicLinking.md`
//! (<https://github.com/WebAssembly/tool-conventions/blob/main/DynamicLinking.md>), scope and
//! refcount semantics follow POSIX `dlopen`/`dlsym`/`dlclose` as glibc and musl implement them.
//!
//! Guest code (relocations, constructors, destructors) never runs while the linker is borrowed:
//! [`Linker::open`] returns the functions to call and [`Linker::close`] the destructors, and the
//! C layer calls them after releasing the linker, so a constructor may itself call `dlopen`.

mod close;
mod info;
mod load;
mod names;
mod scope;

use crate::error::{DlError, ErrorKind};
use crate::flags::RtldFlags;
use crate::handles::{Handle, HandleTable};
use crate::host::Host;
use crate::linktime::Libraries;
use crate::reader::ParseError;
use crate::symbols::SymbolTable;
use alloc::string::String;
use alloc::vec::Vec;

pub use close::Closing;
pub use info::AddrInfo;
pub use scope::Scope;

/// Longest file name `dlopen` accepts (Linux's `PATH_MAX`, including the NUL).
const PATH_MAX: usize = 4096;

/// Where a library is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LibState {
    /// Being linked by the `dlopen` in progress.
    Loading,
    /// Linked; usable.
    Ready,
    /// Its last reference is gone and its destructors are running.
    Closing,
}

/// One loaded library (or the main program).
pub struct Library<H: Host> {
    /// The id it was loaded under (normalised), or `"main"` for the program.
    pub name: String,
    /// The host's number for its file, if it came from one: a `dlopen` by another name of the
    /// same file (a symlink) finds this library.
    pub file_id: Option<u64>,
    pub instance: Option<H::Instance>,
    pub mem_base: u32,
    /// Bytes reserved at `mem_base` (at least 1, so every library owns a distinct address).
    pub mem_reserved: u32,
    pub mem_align: u32,
    pub table_base: u32,
    pub table_size: u32,
    /// Single slots reserved for `indirect` imports (late binding in dependency cycles).
    pub stubs: Vec<u32>,
    pub symbols: SymbolTable,
    /// Direct NEEDED dependencies. They hold no count: a dependency stays loaded while a
    /// library that reaches it (through `group` or `bound_to`) is still open (`close.rs`).
    pub deps: Vec<Handle>,
    /// Local scope: the library, then its dependencies breadth-first.
    pub group: Vec<Handle>,
    /// Libraries outside its local scope that its imports were bound to (a definition found
    /// in the global scope; glibc's `l_reldeps`): they stay loaded as long as this one does.
    pub bound_to: Vec<Handle>,
    /// Explicit `dlopen`s not yet matched by a `dlclose` (0 for a library loaded only as a
    /// dependency). At 0 the library is unloaded unless something still open reaches it.
    pub refs: u32,
    pub global: bool,
    pub nodelete: bool,
    pub state: LibState,
    /// `__cxa_atexit` registrations made by this library: (function slot, argument).
    pub atexit: Vec<(u32, u32)>,
    /// What `dladdr` and `dlinfo` handed out for it, once they have.
    info: Option<alloc::boxed::Box<info::Info>>,
}

impl<H: Host> Library<H> {
    /// A library with nothing placed or bound yet, in state `Loading`.
    #[inline(never)]
    fn new(name: String, symbols: SymbolTable) -> Self {
        Library {
            name,
            file_id: None,
            instance: None,
            mem_base: 0,
            mem_reserved: 0,
            mem_align: 0,
            table_base: 0,
            table_size: 0,
            stubs: Vec::new(),
            symbols,
            deps: Vec::new(),
            group: Vec::new(),
            bound_to: Vec::new(),
            refs: 0,
            global: false,
            nodelete: false,
            state: LibState::Loading,
            atexit: Vec::new(),
            info: None,
        }
    }
}

/// What `dlopen` hands back: the handle and the functions (`void(void)`, table indices) the
/// caller must run, in order, once the linker is released.
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub handle: Handle,
    pub init: Vec<u32>,
}

/// Process-wide loader state.
pub struct Linker<H: Host> {
    pub(crate) host: H,
    pub(crate) libs: HandleTable<Library<H>>,
    by_name: names::Names,
    /// Main program first, then `RTLD_GLOBAL` libraries in the order they became global.
    global_scope: Vec<Handle>,
    main: Option<Handle>,
    /// Live libraries that have become `Ready`, in that order: dependencies always before
    /// their dependents, so destructors run from the back (handle-table slot order is no
    /// guide: slots are reused, and a library takes its slot before its dependencies).
    ready_order: Vec<Handle>,
    /// Libraries linked into the component, if it has a link-time table (or why the table
    /// it has cannot be read: every `dlopen` that would consult it reports that).
    linktime: Option<Result<Libraries<'static>, ParseError>>,
    /// Table ranges `[start, end)` of unloaded libraries, reused before the table grows;
    /// sorted by start, adjacent ranges merged.
    free_slots: Vec<(u32, u32)>,
    /// Table index of the `__cxa_atexit` side modules are bound to (libdl's own, so that
    /// their destructors run at `dlclose`); 0 leaves the import to the main program.
    cxa_atexit_slot: u32,
    /// Live libraries (the main program first) in the order they were created: the link map's
    /// order.
    load_order: Vec<Handle>,
    /// Whether `dlinfo` has handed out link maps (which are then kept linked).
    maps_out: bool,
    /// Values at or above this in a link-time table may be data addresses: the table's root,
    /// below all link-time libraries' data (0 without a table).
    static_floor: u32,
}

/// Prefix of the exports by which a program says it provides a library: a program that links
/// libc++ whole and exports it (`bin/wasm32-wasip2-clang++`) exports
/// `__wasm_libdl_provides:libc++.so` (ports/libcxx/provides.S), so C++ plugins, which list
/// `libc++.so` as NEEDED for programs without one, bind to the program's.
pub const PROVIDES: &[u8] = b"__wasm_libdl_provides:";

/// Environment the search order depends on, read by the C layer.
#[derive(Clone, Copy, Default)]
pub struct SearchEnv<'a> {
    pub ld_library_path: Option<&'a str>,
}

impl<H: Host> Linker<H> {
    pub fn new(host: H) -> Self {
        Linker {
            host,
            libs: HandleTable::default(),
            by_name: names::Names::default(),
            global_scope: Vec::new(),
            main: None,
            ready_order: Vec::new(),
            linktime: None,
            cxa_atexit_slot: 0,
            free_slots: Vec::new(),
            load_order: Vec::new(),
            maps_out: false,
            static_floor: 0,
        }
    }

    /// `count` table slots aligned to `align`: a released range if one fits, else new ones.
    pub(crate) fn reserve_slots(&mut self, count: u32, align: u32) -> Result<u32, crate::host::HostError> {
        let mask = align - 1;
        for i in 0..self.free_slots.len() {
            let (start, end) = self.free_slots[i];
            let Some(base) = start.checked_add(mask).map(|b| b & !mask) else { continue };
            if base.checked_add(count).is_some_and(|e| e <= end) {
                self.free_slots.remove(i);
                self.free_range(start, base);
                self.free_range(base + count, end);
                return Ok(base);
            }
        }
        let first = self.host.grow_table(count + mask)?;
        let base = (first + mask) & !mask;
        self.free_range(first, base);
        Ok(base)
    }

    /// Adds `[start, end)` to the free ranges, merging it with its neighbours.
    fn free_range(&mut self, start: u32, end: u32) {
        if start == end {
            return;
        }
        let v = &mut self.free_slots;
        let i = v.partition_point(|&(s, _)| s < start);
        let joins_next = v.get(i).is_some_and(|r| r.0 == end);
        if i > 0 && v[i - 1].1 == start {
            v[i - 1].1 = if joins_next { v.remove(i).1 } else { end };
        } else if joins_next {
            v[i].0 = start;
        } else {
            v.insert(i, (start, end));
        }
    }

    /// Drops library `h` (if live) and gives its resources back; `named`: it is still in the
    /// name index, and leaves it. One copy for `dlclose` and a failed `dlopen`.
    #[inline(never)]
    pub(crate) fn discard(&mut self, h: Handle, named: bool) {
        if let Some(lib) = self.libs.remove(h) {
            remove_handle(&mut self.ready_order, h);
            remove_handle(&mut self.load_order, h);
            if named {
                self.by_name.remove(&lib.name);
            }
            self.release_resources(&lib);
        }
    }

    /// Gives an unloaded (or never completed) library's table slots and memory back.
    pub(crate) fn release_resources(&mut self, lib: &Library<H>) {
        let mut release = |start, len| {
            self.host.release_slots(start, len);
            self.free_range(start, start + len);
        };
        for &s in &lib.stubs {
            release(s, 1);
        }
        if lib.table_size > 0 {
            release(lib.table_base, lib.table_size);
        }
        if lib.mem_reserved > 0 {
            self.host.free_memory(lib.mem_base, lib.mem_reserved, lib.mem_align);
        }
    }

    /// Binds side modules' `__cxa_atexit` imports to the function at this table index.
    pub fn set_cxa_atexit_slot(&mut self, slot: u32) {
        self.cxa_atexit_slot = slot;
    }

    /// The main program's entry, created on first use from the caller's exports.
    #[inline]
    pub fn main_handle(&mut self) -> Result<Handle, DlError> {
        match self.main {
            Some(h) => Ok(h),
            None => self.adopt_main(),
        }
    }

    #[cold]
    #[inline(never)]
    fn adopt_main(&mut self) -> Result<Handle, DlError> {
        let instance = self.host.caller();
        let exports = match &instance {
            Some(i) => self.host.instance_exports(i),
            None => Vec::new(),
        };
        let mut lib = Library::new(String::from("main"), SymbolTable::from_exports(&exports));
        (lib.instance, lib.refs, lib.global, lib.nodelete) = (instance, 1, true, true);
        lib.state = LibState::Ready;
        let h = self.insert(lib)?;
        self.global_scope.push(h);
        self.main = Some(h);
        self.adopt_startup(h);
        Ok(h)
    }

    /// Adds a library to the handle table; its local scope starts as itself.
    fn insert(&mut self, lib: Library<H>) -> Result<Handle, DlError> {
        let h = self.libs.insert(lib).map_err(|lib| DlError::at(ErrorKind::TooManyLibraries, &lib.name))?;
        self.libs.get_mut(h).expect("just inserted").group.push(h);
        self.load_order.push(h);
        Ok(h)
    }

    /// Serves `dlopen` from the library table of a component linked with
    /// `wasm-tools component link --dl-openable` (see [`crate::linktime`]).
    pub fn set_linktime(&mut self, table: Result<Libraries<'static>, ParseError>) {
        self.static_floor = table.as_ref().map_or(0, |t| t.root());
        self.linktime = Some(table);
    }

    /// `dlopen(name, mode)`; `None` is the main program.
    pub fn open(&mut self, name: Option<&str>, flags: RtldFlags, env: SearchEnv<'_>) -> Result<Opened, DlError> {
        let main = self.main_handle()?;
        let Some(name) = name else {
            return Ok(Opened { handle: main, init: Vec::new() });
        };
        if name.is_empty() {
            return Err(DlError::new(ErrorKind::InvalidName { what: "empty file name" }));
        }
        if name.len() > PATH_MAX {
            return Err(DlError::new(ErrorKind::NameTooLong { len: name.len() }));
        }
        if flags.contains(RtldFlags::NOLOAD) {
            let h =
                self.find_or_load(name, ".", &[], env, None).map_err(|_| DlError::at(ErrorKind::NotLoaded, name))?;
            self.add_reference(h, flags);
            self.relink();
            return Ok(Opened { handle: h, init: Vec::new() });
        }
        let mut txn = load::Txn::default();
        let opened = match self.find_or_load(name, ".", &[], env, Some(&mut txn)) {
            Ok(h) => {
                self.complete_groups(&txn);
                self.add_reference(h, flags);
                Ok(Opened { handle: h, init: txn.init })
            }
            Err(e) => {
                self.rollback(txn);
                Err(e)
            }
        };
        self.relink();
        opened
    }

    /// One more explicit reference to a loaded library, applying `RTLD_GLOBAL` (promotion of
    /// the library and its dependencies) and `RTLD_NODELETE`.
    fn add_reference(&mut self, h: Handle, flags: RtldFlags) {
        let Some(lib) = self.libs.get_mut(h) else { return };
        lib.refs = lib.refs.saturating_add(1);
        if flags.contains(RtldFlags::NODELETE) {
            lib.nodelete = true;
        }
        if flags.contains(RtldFlags::GLOBAL) {
            let mut i = 0;
            while let Some(&member) = self.libs.get(h).and_then(|l| l.group.get(i)) {
                self.make_global(member);
                i += 1;
            }
        }
    }

    fn make_global(&mut self, h: Handle) {
        if let Some(lib) = self.libs.get_mut(h) {
            if !lib.global {
                lib.global = true;
                self.global_scope.push(h);
            }
        }
    }

    /// A `Ready` library by handle value, or an error naming the bad value. Like glibc, a
    /// `NODELETE` library whose opens are all balanced stays reachable through its handle for
    /// `dlsym` (it is still loaded), while a further `dlclose` is an error.
    pub(crate) fn ready(&self, raw: usize) -> Result<Handle, DlError> {
        Handle::from_raw(raw)
            .filter(|&h| self.libs.get(h).is_some_and(|l| l.state == LibState::Ready))
            .ok_or_else(|| DlError::new(ErrorKind::InvalidHandle { raw }))
    }

    /// A `Ready` library, or one whose destructors are running (`Closing`), by handle value.
    pub(crate) fn usable(&self, raw: usize) -> Result<Handle, DlError> {
        Handle::from_raw(raw)
            .filter(|&h| self.libs.get(h).is_some_and(|l| l.state != LibState::Loading))
            .ok_or_else(|| DlError::new(ErrorKind::InvalidHandle { raw }))
    }

    /// Number of libraries loaded, the main program included.
    pub fn loaded_count(&self) -> usize {
        self.libs.len()
    }

    /// Handle-table slots ever allocated (live or free).
    pub fn slots_used(&self) -> usize {
        self.libs.capacity_used()
    }

    /// Current reference count of a library (for tests and diagnostics).
    pub fn refcount(&self, raw: usize) -> Option<u32> {
        Handle::from_raw(raw).and_then(|h| self.libs.get(h)).map(|l| l.refs)
    }
}

/// Takes `h` out of `list` (where it is at most once), keeping the order of the rest.
fn remove_handle(list: &mut Vec<Handle>, h: Handle) {
    if let Some(i) = list.iter().position(|&x| x == h) {
        list.remove(i);
    }
}

#[cfg(test)]
mod tests;
