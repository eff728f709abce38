//! Symbol scopes: which libraries a lookup searches, in which order.
//!
//! - An import of library L (and a `GOT.*` entry) is resolved in the global scope (the main
//!   program, then `RTLD_GLOBAL` libraries in the order they became global), then in L's local
//!   scope (L, then its dependencies breadth-first): ELF's interposition order.
//! - `dlsym(handle)` searches the handle's local scope; `dlsym(dlopen(NULL))` and
//!   `dlsym(RTLD_DEFAULT)` the global scope; `dlsym(RTLD_NEXT)` the caller's lookup scope after
//!   the caller itself.

use super::Linker;
use crate::error::{DlError, ErrorKind};
use crate::handles::Handle;
use crate::host::{ExportValue, Host};
use crate::symbols::{Key, Symbol};
use alloc::vec::Vec;

/// The C value of `lib`'s export `name` (a symbol of kind `sym` not resolved yet), asked of
/// the host: a function's table slot, or a datum's address.
#[inline(never)]
pub(super) fn export_value<H: Host>(host: &mut H, lib: &super::Library<H>, name: &[u8], sym: Symbol) -> Option<u32> {
    match (sym, host.export_value(lib.instance.as_ref()?, crate::text::utf8(name)?)?) {
        (Symbol::Func(_), ExportValue::FuncSlot(slot)) => Some(slot),
        (Symbol::Data(_), ExportValue::GlobalI32(v)) => Some(lib.mem_base.wrapping_add(v as u32)),
        _ => None,
    }
}

/// What `dlsym` was asked to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `RTLD_DEFAULT`
    Default,
    /// `RTLD_NEXT`, from the library that owns this address (its `&__dso_handle`).
    Next { caller: u32 },
    /// A handle from `dlopen`.
    Handle(usize),
}

impl<H: Host> Linker<H> {
    /// The first library in `list` that defines `name` (hashed once for the whole list).
    fn find_in(&self, list: &[Handle], name: &[u8]) -> Option<(Handle, Symbol)> {
        let key = Key::new(name);
        list.iter().find_map(|&h| self.libs.get(h).and_then(|l| l.symbols.get_hashed(&key)).map(|s| (h, s)))
    }

    /// Resolution of `name` for an import of library `h`.
    pub(super) fn resolve_for(&self, h: Handle, name: &[u8]) -> Option<(Handle, Symbol)> {
        self.find_in(&self.global_scope, name).or_else(|| {
            let group = &self.libs.get(h)?.group;
            self.find_in(group, name)
        })
    }

    /// The C value of symbol `name` of library `h`, already looked up (`sym`), asking the host
    /// (once) if not cached.
    pub(super) fn value_of(&mut self, h: Handle, name: &[u8], sym: Symbol) -> Option<u32> {
        if let Some(v) = sym.value() {
            return Some(v);
        }
        let lib = self.libs.get(h)?;
        let value = export_value(&mut self.host, lib, name, sym)?;
        lib.symbols.resolve(name, value);
        Some(value)
    }

    /// The library whose reserved memory contains `addr` (a `__dso_handle` address); the main
    /// program for any address outside every library.
    pub fn library_at(&self, addr: u32) -> Option<Handle> {
        self.libs
            .iter()
            .find(|(_, l)| l.mem_reserved > 0 && addr.wrapping_sub(l.mem_base) < l.mem_reserved)
            .map(|(h, _)| h)
            .or(self.main)
    }

    /// `dlsym(RTLD_NEXT)` from the library at address `caller`: its lookup scope (the global
    /// scope, then its local scope) after the library itself. Out of line: it is rare.
    #[cold]
    #[inline(never)]
    fn find_next(&self, caller: u32, main: Handle, name: &[u8]) -> Option<(Handle, Symbol)> {
        let me = self.library_at(caller).unwrap_or(main);
        let mut order: Vec<Handle> = self.global_scope.clone();
        for &g in self.libs.get(me).map(|l| l.group.as_slice()).unwrap_or(&[]) {
            if !order.contains(&g) {
                order.push(g);
            }
        }
        let after = order.iter().position(|&x| x == me).map_or(order.len(), |p| p + 1);
        self.find_in(&order[after..], name)
    }

    /// `dlsym`.
    pub fn sym(&mut self, scope: Scope, name: &[u8]) -> Result<u32, DlError> {
        let main = self.main_handle()?;
        let not_found = |scope: &str| DlError::symbol_not_found(scope, name);
        let found = match scope {
            Scope::Default => self.find_in(&self.global_scope, name).ok_or_else(|| not_found("RTLD_DEFAULT"))?,
            Scope::Next { caller } => self.find_next(caller, main, name).ok_or_else(|| not_found("RTLD_NEXT"))?,
            Scope::Handle(raw) => {
                // A library whose destructors are running can still be searched (glibc: its
                // destructor may dlsym its own handle), though no longer opened or closed.
                let h = self.usable(raw)?;
                let lib = self.libs.get(h).expect("ready");
                let list = if h == main { &self.global_scope } else { &lib.group };
                match self.find_in(list, name) {
                    Some(found) => found,
                    // Its exports are read on the first lookup: a section that does not
                    // parse shows up here (a validating host never serves one).
                    None => match lib.symbols.parse_error() {
                        Some(error) => {
                            return Err(DlError::at(
                                ErrorKind::BadSection { section: "export section", error },
                                &lib.name,
                            ))
                        }
                        None => return Err(not_found(&lib.name)),
                    },
                }
            }
        };
        if let Some(value) = found.1.value() {
            return Ok(value);
        }
        self.value_of(found.0, name, found.1).ok_or_else(|| not_found(self.libs.get(found.0).map_or("", |l| &l.name)))
    }
}
