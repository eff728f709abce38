//! Unloading: refcounts, destructor collection, and freeing.
//!
//! `dlclose` drops one reference. At zero (and without `RTLD_NODELETE`) the library and every
//! dependency whose count also reaches zero are unloaded: they leave the name index and the
//! global scope at once (no lookup finds them from here on), their `__cxa_atexit`
//! registrations are returned to be run (reverse registration order, dependents before their
//! dependencies), and only after those have run are their memory and handles released
//! ([`Linker::finish_close`]). POSIX: <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlclose.html>.

use super::{LibState, Linker};
use crate::error::DlError;
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
        let mut closing = Closing::default();
        if Some(h) == self.main {
            return Ok(closing);
        }
        let lib = self.libs.get_mut(h).expect("ready");
        if lib.refs == 0 {
            // Only a NODELETE library stays loaded with no references left.
            return Err(DlError::InvalidHandle { raw });
        }
        lib.refs -= 1;
        let mut queue = alloc::vec![h];
        let mut i = 0;
        while i < queue.len() {
            let x = queue[i];
            i += 1;
            let Some(lib) = self.libs.get_mut(x) else { continue };
            if lib.refs > 0 || lib.nodelete || lib.state != LibState::Ready {
                continue;
            }
            lib.state = LibState::Closing;
            closing.dtors.extend(lib.atexit.drain(..).rev());
            let deps = lib.deps.clone();
            let name = lib.name.clone();
            self.by_name.remove(&name);
            self.global_scope.retain(|&g| g != x);
            closing.libs.push(x);
            for d in deps {
                if let Some(dep) = self.libs.get_mut(d) {
                    dep.refs = dep.refs.saturating_sub(1);
                    queue.push(d);
                }
            }
        }
        Ok(closing)
    }

    /// Releases what [`Linker::close`] unloaded, once its destructors have run.
    pub fn finish_close(&mut self, libs: &[Handle]) {
        for &h in libs {
            if let Some(lib) = self.libs.remove(h) {
                self.host.free_memory(lib.mem_base, lib.mem_reserved, lib.mem_align);
            }
        }
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
    /// ready last first, so dependents go before their dependencies (handle-table slot order
    /// is no guide: slots are reused, and a library takes its slot before its dependencies).
    pub fn take_all_atexit(&mut self) -> Vec<(u32, u32)> {
        let mut libs: Vec<(u64, Handle)> = self.libs.iter().map(|(h, l)| (l.ready_seq, h)).collect();
        libs.sort_unstable_by_key(|&(seq, _)| core::cmp::Reverse(seq));
        let mut out = Vec::new();
        for (_, h) in libs {
            if let Some(lib) = self.libs.get_mut(h) {
                out.extend(lib.atexit.drain(..).rev());
            }
        }
        out
    }
}
