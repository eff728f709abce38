//! `dladdr` and `dlinfo`: which loaded object (and which exported symbol) an address is in,
//! and the link map, glibc's list of loaded objects.
//!
//! glibc: dladdr(3) <https://man7.org/linux/man-pages/man3/dladdr.3.html>, dlinfo(3)
//! <https://man7.org/linux/man-pages/man3/dlinfo.3.html>. A wasm address is one of two
//! things, and both are looked up:
//! - a function pointer is an index into the function table: it matches an exported function
//!   whose slot it is (exactly; functions have no size to lie inside of), else it lies in the
//!   table range a library reserved for the functions it does not export;
//! - a data address is in linear memory: it lies in the memory a library loaded at run time
//!   reserved, or, below the heap, in the static data of the main program or of a library
//!   linked into the component. The symbol is the nearest exported datum at or before it, as
//!   glibc does.
//!
//! What C is given points into a library's [`Info`], boxed in the library, so it stays valid
//! until the library is unloaded.

use super::{LibState, Linker};
use crate::handles::Handle;
use crate::host::Host;
use crate::linkmap::link_map;
use crate::symbols::Symbol;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ffi::c_char;
use core::ptr;

/// What a library hands out to C through `dladdr` and `dlinfo`.
pub struct Info {
    /// The library's name, NUL-terminated (the main program's is `main`).
    name: Vec<u8>,
    /// Its link-map entry; `l_name` points into `name` (at the NUL for the main program).
    pub map: link_map,
    /// Its exported symbols ordered by value, made the first time `dladdr` looks at it.
    by_value: Option<ByValue>,
}

/// A library's exported symbols ordered by value, for `dladdr`.
struct ByValue {
    /// Their names, each NUL-terminated.
    names: Vec<u8>,
    /// Functions: `table slot << 32 | name offset`, sorted.
    funcs: Vec<u64>,
    /// Data: `address << 32 | name offset`, sorted.
    data: Vec<u64>,
}

impl ByValue {
    /// The first function exported at `slot`.
    fn func_at(&self, slot: u32) -> Option<u64> {
        let f = self.funcs.as_slice();
        let e = *f.get(f.partition_point(|&e| value(e) < slot))?;
        (value(e) == slot).then_some(e)
    }

    /// The datum exported at the greatest address at or before `addr` (the first of that
    /// address), if that is at or above `floor`.
    fn datum_before(&self, addr: u32, floor: u32) -> Option<u64> {
        let d = self.data.as_slice();
        let mut i = d.partition_point(|&e| value(e) <= addr);
        let at = value(*d.get(i.checked_sub(1)?)?);
        while i > 1 && value(d[i - 2]) == at {
            i -= 1;
        }
        (at >= floor).then_some(d[i - 1])
    }
}

/// The value half of a [`ByValue`] entry.
fn value(e: u64) -> u32 {
    (e >> 32) as u32
}

/// `dladdr`'s answer: the object and, if one matched, the exported symbol.
#[derive(Clone, Copy, Debug)]
pub struct AddrInfo {
    /// The object's name, NUL-terminated.
    pub fname: *const c_char,
    /// Its base: where its data was placed (0 for the main program and link-time libraries).
    pub fbase: u32,
    /// The symbol's name, NUL-terminated; NULL when none matched.
    pub sname: *const c_char,
    /// The symbol's value (0 when none matched).
    pub saddr: u32,
    pub map: *const link_map,
}

/// Sorts in place (heapsort: a few dozen bytes of code where `sort_unstable` is kilobytes).
pub(super) fn sort(v: &mut [u64]) {
    fn sift(v: &mut [u64], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    for i in (0..v.len() / 2).rev() {
        sift(v, i, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

impl<H: Host> Linker<H> {
    /// Library `h`'s [`Info`], made now if this is its first use.
    fn info(&mut self, h: Handle) -> Option<&mut Info> {
        let main = self.main == Some(h);
        let lib = self.libs.get_mut(h)?;
        let info = lib.info.get_or_insert_with(|| {
            let mut name = lib.name.clone().into_bytes();
            name.push(0);
            let at = if main { name.len() - 1 } else { 0 };
            let l_name = name[at..].as_ptr() as *mut c_char;
            Box::new(Info { name, map: link_map::new(lib.mem_base, l_name), by_value: None })
        });
        Some(info)
    }

    /// Makes library `h`'s [`ByValue`], resolving (and caching) every exported symbol's value.
    fn by_value(&mut self, h: Handle) {
        let floor = self.static_floor;
        if self.info(h).is_none_or(|i| i.by_value.is_some()) {
            return;
        }
        let (libs, host) = (&mut self.libs, &mut self.host);
        let Some(lib) = libs.get(h) else { return };
        let mut t = ByValue { names: Vec::new(), funcs: Vec::new(), data: Vec::new() };
        lib.symbols.each(|name, sym| {
            let value = sym.value().or_else(|| super::scope::export_value(host, lib, name, sym));
            let Some(v) = value else { return sym };
            let entry = u64::from(v) << 32 | t.names.len() as u64;
            t.names.extend_from_slice(name);
            t.names.push(0);
            // A link-time value does not say its kind: a function slot for an exact match,
            // and, if it could be an address of the library's data, a datum too.
            if sym.is_func() != Some(false) {
                t.funcs.push(entry);
            }
            if sym.is_func() == Some(false) || (sym.is_func().is_none() && v >= floor) {
                t.data.push(entry);
            }
            match sym {
                Symbol::Func(_) => Symbol::Func(Some(v)),
                Symbol::Data(_) => Symbol::Data(Some(v)),
                s => s,
            }
        });
        sort(&mut t.funcs);
        sort(&mut t.data);
        if let Some(info) = libs.get_mut(h).and_then(|l| l.info.as_mut()) {
            info.by_value = Some(t);
        }
    }

    /// `dladdr(addr)`: the loaded object `addr` is in, and the exported symbol at it (a
    /// function) or nearest before it (data). `heap_base` is where the heap starts: static
    /// data lies below it. In order: an exported function's slot; the memory of a library
    /// loaded at run time; static data below the heap (the nearest preceding datum among the
    /// objects with static data); a slot of a library's own table range.
    pub fn addr(&mut self, addr: u32, heap_base: u32) -> Option<AddrInfo> {
        // (Address 0 is in nothing: no export, datum or table range is at 0.)
        self.main_handle().ok()?;
        let (mut data, mut static_data, mut slot) = (None, None, None);
        let mut found = None;
        for i in 0..self.load_order.len() {
            let h = self.load_order[i];
            self.by_value(h);
            let Some(l) = self.libs.get(h).filter(|l| l.state != LibState::Loading) else { continue };
            let Some(t) = l.info.as_ref().and_then(|i| i.by_value.as_ref()) else { continue };
            if let Some(e) = t.func_at(addr) {
                found = Some((h, Some(e)));
                break;
            }
            if l.mem_reserved > 0 && addr.wrapping_sub(l.mem_base) < l.mem_reserved {
                data = data.or(Some((h, t.datum_before(addr, l.mem_base))));
            } else if l.mem_reserved == 0 && addr < heap_base {
                if let Some(e) = t.datum_before(addr, self.static_floor) {
                    if static_data.is_none_or(|(_, b)| value(b) < value(e)) {
                        static_data = Some((h, e));
                    }
                }
            }
            if addr.wrapping_sub(l.table_base) < l.table_size {
                slot = slot.or(Some((h, None)));
            }
        }
        let (h, sym) = found.or(data).or(static_data.map(|(h, e)| (h, Some(e)))).or(slot)?;
        let lib = self.libs.get(h)?;
        let info = lib.info.as_ref()?;
        let (sname, saddr) = match (sym, info.by_value.as_ref()) {
            (Some(e), Some(t)) => (t.names[e as u32 as usize..].as_ptr() as *const c_char, value(e)),
            _ => (ptr::null(), 0),
        };
        Some(AddrInfo { fname: info.name.as_ptr() as *const c_char, fbase: lib.mem_base, sname, saddr, map: &info.map })
    }

    /// `dlinfo(handle, RTLD_DI_LINKMAP)`: the library's link-map entry. From now on the list
    /// is kept linked as libraries come and go.
    pub fn link_map(&mut self, raw: usize) -> Result<*const link_map, crate::error::DlError> {
        let h = self.usable(raw)?;
        self.maps_out = true;
        self.relink();
        Ok(self.info(h).map_or(ptr::null(), |i| &i.map as *const link_map))
    }

    /// `dlinfo(handle, RTLD_DI_ORIGIN)`: the directory the library was loaded from (`.` for
    /// the main program and for libraries linked into the component).
    pub fn origin(&self, raw: usize) -> Result<&str, crate::error::DlError> {
        let h = self.usable(raw)?;
        Ok(crate::search::dirname(self.libs.get(h).map_or("", |l| &l.name)))
    }

    /// Links every live object's link-map entry to its neighbours in load order (main first),
    /// once link maps have been handed out.
    pub(super) fn relink(&mut self) {
        if !self.maps_out {
            return;
        }
        // Pointers C may write through (glibc's fields are not `const`); this crate never does.
        let mut prev: Option<(Handle, *mut link_map)> = None;
        for i in 0..self.load_order.len() {
            let h = self.load_order[i];
            if self.libs.get(h).is_none_or(|l| l.state == LibState::Loading) {
                continue;
            }
            let Some(info) = self.info(h) else { continue };
            (info.map.l_prev, info.map.l_next) = (prev.map_or(ptr::null_mut(), |p| p.1), ptr::null_mut());
            let me: *mut link_map = &mut info.map;
            if let Some(p) = prev.and_then(|(p, _)| self.info(p)) {
                p.map.l_next = me;
            }
            prev = Some((h, me));
        }
    }
}
