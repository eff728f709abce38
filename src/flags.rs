//! `dlopen` mode flags, with wasi-libc's (musl's) exact values.
//!
//! POSIX: <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlopen.html>.
//! The `RTLD_*` constants are what cbindgen puts into `dlfcn.h`; [`RtldFlags`] is the typed view
//! the rest of the crate works with.

use core::ffi::c_int;

/// Relocations may be performed lazily (wasm binds eagerly; accepted for compatibility).
pub const RTLD_LAZY: c_int = 1;
/// All relocations are performed at load time.
pub const RTLD_NOW: c_int = 2;
/// Do not load; succeed only if the library is already loaded (may promote its flags).
pub const RTLD_NOLOAD: c_int = 4;
/// Symbols are not made available to later libraries or to `RTLD_DEFAULT` (the default).
pub const RTLD_LOCAL: c_int = 8;
/// Symbols become available to later libraries and to `RTLD_DEFAULT`.
pub const RTLD_GLOBAL: c_int = 256;
/// The library is never unloaded, not even by its last `dlclose`.
pub const RTLD_NODELETE: c_int = 4096;

/// `dlinfo` request: the link-map namespace of the handle (`Lmid_t`; always `LM_ID_BASE`).
pub const RTLD_DI_LMID: c_int = 1;
/// `dlinfo` request: the handle's `struct link_map *` (`<link.h>`).
pub const RTLD_DI_LINKMAP: c_int = 2;
/// `dlinfo` request: copy the directory the library was loaded from into the `char *`
/// argument (room for `PATH_MAX` bytes).
pub const RTLD_DI_ORIGIN: c_int = 6;
/// `dladdr1` flag: `*extra_info` becomes the object's `struct link_map *`.
pub const RTLD_DL_LINKMAP: c_int = 2;
/// `dladdr1` flag: `*extra_info` becomes the symbol's ELF symbol-table entry, which wasm
/// modules do not have: always NULL.
pub const RTLD_DL_SYMENT: c_int = 1;
/// The one link-map namespace (`Lmid_t`).
pub const LM_ID_BASE: c_int = 0;

bitflags::bitflags! {
    /// A validated `dlopen` mode.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct RtldFlags: c_int {
        const LAZY = RTLD_LAZY;
        const NOW = RTLD_NOW;
        const NOLOAD = RTLD_NOLOAD;
        const LOCAL = RTLD_LOCAL;
        const GLOBAL = RTLD_GLOBAL;
        const NODELETE = RTLD_NODELETE;
    }
}

impl RtldFlags {
    /// Parses a C `mode`, rejecting unknown bits and `RTLD_LOCAL | RTLD_GLOBAL` together.
    /// A mode with neither `RTLD_LAZY` nor `RTLD_NOW` is accepted as lazy, as musl does.
    pub fn from_mode(mode: c_int) -> Option<Self> {
        let flags = Self::from_bits(mode)?;
        if flags.contains(Self::LOCAL | Self::GLOBAL) {
            return None;
        }
        Some(flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modes() {
        assert_eq!(RtldFlags::from_mode(0), Some(RtldFlags::empty()));
        assert_eq!(RtldFlags::from_mode(RTLD_NOW | RTLD_GLOBAL), Some(RtldFlags::NOW | RtldFlags::GLOBAL));
        assert_eq!(RtldFlags::from_mode(0x10), None);
        assert_eq!(RtldFlags::from_mode(RTLD_LOCAL | RTLD_GLOBAL), None);
    }
}
