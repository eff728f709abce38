//! Unloading: reference counts, reachability, destructor collection, and freeing.
//!
//! A library's count is its explicit `dlopen`s. `dlclose` drops one; when a count reaches
//! zero, every library no longer reachable through NEEDED edges (and bindings to global
//! libraries, [`super::Library::bound_to`]) from a library that is still open,
//! `RTLD_NODELETE` or the main program is unloaded (glibc's approach, which also frees
//! dependency cycles). Unloaded libraries leave the name index and the global scope at once
//! (no lookup finds them from here on), their `__cxa_atexit` registrations are returned to be
//! run (reverse registration order; libraries that became ready later first, so dependents
//! before their dependencies), and only after those have run are their memory and handles
//! released ([`Linker::finish_close`]).
//! POSIX: <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlclose.html>.

use super::{LibState, Linker};
use crate::error::{DlError, ErrorKind};
use crate::handles::Handle;
use crate::host::Host;
use alloc::vec::Vec;

/// Libraries being unloaded, and the destructors to run before [`Linker::finish_close`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Closing {
    /// `(function slot, argument)` pairs, in calling order.
    pub dtors: Vec<(u32, u32)>,
    pub libs: Vec<Handle>,
}

impl<H: Host> Linker<H> {
    /// `dlclose`: drops a reference; returns what to finalise (possibly nothing).
    pub fn close(&mut self, raw: usize) -> Result<Closing, DlError> {
        let h = self.ready(raw)?;
        if Some(h) == self.main {
            return Ok(Closing::default());
        }
        let lib = self.libs.get_mut(h).expect("ready");
        if lib.refs == 0 {
            // Loaded only as a dependency, or NODELETE with every open already closed.
            return Err(DlError::new(ErrorKind::InvalidHandle { raw }));
        }
        lib.refs -= 1;
        if lib.refs > 0 || lib.nodelete {
            return Ok(Closing::default());
        }
        Ok(self.unload_unreachable())
    }

    /// Finds what is reachable from the roots and starts unloading everything else.
    fn unload_unreachable(&mut self) -> Closing {
        // What the roots reach through NEEDED edges: their local scopes (each library's is
        // itself and all it reaches, complete once its `dlopen` has succeeded). The main
        // program, a root, is not in `ready_order`; it has no NEEDED edges.
        // Marked by handle-table slot (only live handles are marked, so a slot's mark is its
        // current library's): linear in the libraries, where a list of the live ones searched
        // per library would be quadratic (1,000 libraries: a million compares per dlclose).
        // Libraries an import was bound to outside its local scope (`bound_to`) are reached
        // too, and what they reach in turn: a worklist, each library marked once.
        let mut live = alloc::vec![false; self.libs.capacity_used()];
        let mut work: Vec<Handle> = Vec::new();
        for &h in &self.ready_order {
            let l = self.libs.get(h).expect("live");
            if l.state == LibState::Ready && (l.refs > 0 || l.nodelete) {
                work.push(h);
            }
        }
        while let Some(h) = work.pop() {
            let l = self.libs.get(h).expect("live");
            for &m in l.group.iter().chain(&l.bound_to) {
                if !live[m.slot()] {
                    live[m.slot()] = true;
                    work.push(m);
                }
            }
        }
        let mut closing = Closing::default();
        for &h in self.ready_order.iter().rev() {
            let lib = self.libs.get_mut(h).expect("live");
            if lib.state == LibState::Ready && !live[h.slot()] {
                lib.state = LibState::Closing;
                while let Some(d) = lib.atexit.pop() {
                    closing.dtors.push(d);
                }
                self.by_name.remove(&lib.name);
                super::remove_handle(&mut self.global_scope, h);
                closing.libs.push(h);
            }
        }
        closing
    }

    /// Releases what [`Linker::close`] unloaded, once its destructors have run.
    pub fn finish_close(&mut self, libs: &[Handle]) {
        for &h in libs {
            // Their names left the index at `close` (a destructor may have loaded a new
            // library under one of them since).
            self.discard(h, false);
        }
        self.relink();
    }

    /// Records a `__cxa_atexit(func, arg, dso)` made by a side module; `false` if `dso` is not
    /// inside any loaded library (the caller then forwards to libc).
    pub fn register_atexit(&mut self, func: u32, arg: u32, dso: u32) -> bool {
        match self.library_at(dso) {
            Some(h) if Some(h) != self.main => {
                self.libs.get_mut(h).expect("live").atexit.push((func, arg));
                true
            }
            _ => false,
        }
    }

    /// Destructors of every library still loaded, for program exit: the library that became
    /// ready last first, so dependents go before their dependencies.
    pub fn take_all_atexit(&mut self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for &h in self.ready_order.iter().rev() {
            if let Some(lib) = self.libs.get_mut(h) {
                while let Some(d) = lib.atexit.pop() {
                    out.push(d);
                }
            }
        }
        out
    }
}
