//! The C types of `<link.h>`: glibc's public `struct link_map`, which `dlinfo(RTLD_DI_LINKMAP)`
//! and `dladdr1(RTLD_DL_LINKMAP)` hand out, and the ELF types its fields are declared with.
//! `build.rs` generates `include/link.h` from this file with cbindgen.
//!
//! Layouts are glibc's for a 32-bit target (`ElfW(X)` is `Elf32_X`), so portable code that
//! walks the list compiles unchanged: glibc manual, dlinfo(3) and `<link.h>`
//! (<https://man7.org/linux/man-pages/man3/dlinfo.3.html>).
#![allow(non_camel_case_types)]

use core::ffi::c_char;

/// An address in the program (`ElfW(Addr)`).
pub type Elf32_Addr = u32;

/// The value of an ELF dynamic-section entry (`ElfW(Dyn)`'s `d_un`).
#[repr(C)]
#[derive(Clone, Copy)]
pub union Elf32_Dyn_Un {
    pub d_val: u32,
    pub d_ptr: Elf32_Addr,
}

/// An ELF dynamic-section entry. WebAssembly modules have no dynamic section: `l_ld` is
/// always NULL. Declared so that code naming the type compiles.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Elf32_Dyn {
    pub d_tag: i32,
    pub d_un: Elf32_Dyn_Un,
}

/// One loaded object, in the list `dlinfo(handle, RTLD_DI_LINKMAP, &map)` gives: the main
/// program first, then libraries in the order they were loaded. A library's entry stays valid
/// (at the same address) until the library is unloaded; `l_next`/`l_prev` are kept up to date
/// as libraries are loaded and unloaded.
#[repr(C)]
pub struct link_map {
    /// Where the library's data was placed (its `__memory_base`); 0 for the main program and
    /// for libraries linked into the component (link-time mode).
    pub l_addr: Elf32_Addr,
    /// The name the library was loaded under (its path, as `dlopen` found it); `""` for the
    /// main program, as in glibc.
    pub l_name: *mut c_char,
    /// Always NULL (no dynamic section).
    pub l_ld: *mut Elf32_Dyn,
    pub l_next: *mut link_map,
    pub l_prev: *mut link_map,
}

impl link_map {
    /// An entry linked to nothing yet.
    pub const fn new(l_addr: Elf32_Addr, l_name: *mut c_char) -> Self {
        link_map {
            l_addr,
            l_name,
            l_ld: core::ptr::null_mut(),
            l_next: core::ptr::null_mut(),
            l_prev: core::ptr::null_mut(),
        }
    }
}
