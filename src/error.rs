//! The typed errors behind `dlerror`.
//!
//! Each variant keeps the library or symbol name it failed on; [`core::fmt::Display`] gives the
//! glibc-style text `dlerror` returns. POSIX:
//! <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlerror.html>.

use crate::dylink::ParseError;
use crate::host::{HostError, HostErrorCode};
use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DlError {
    /// `dlopen(name)`: no candidate id exists (`tried` is how many ids were tried).
    NotFound { lib: String, tried: usize },
    /// The host refused or failed to load an id (access denied, not wasm, ...).
    Host { lib: String, error: HostError },
    /// The module has no `dylink.0` section: not a side module.
    NotSideModule { lib: String },
    /// `dylink.0` is not the module's first section.
    DylinkNotFirst { lib: String, offset: u32 },
    /// `dylink.0` is malformed.
    Malformed { lib: String, error: ParseError },
    /// The import or export section is malformed (the host compiled it, so rarely seen).
    BadSection { lib: String, section: &'static str, error: ParseError },
    /// An import no loaded library (nor the main program) provides.
    UnresolvedImport { lib: String, module: String, name: String },
    /// An import resolved to something of the wrong kind (a function for a data import, ...).
    ImportKind { lib: String, module: String, name: String, expected: &'static str },
    /// Something the linker does not implement yet (e.g. thread-local storage).
    Unsupported { lib: String, what: &'static str },
    /// A NEEDED dependency failed to load.
    Dependency { lib: String, cause: Box<DlError> },
    /// A library lists itself as a NEEDED dependency.
    SelfDependency { lib: String },
    /// Out of linear memory or table space for a library.
    OutOfMemory { lib: String },
    /// `RTLD_NOLOAD` and the library is not loaded.
    NotLoaded { lib: String },
    /// `dlsym` did not find the symbol; `scope` is the library name or `RTLD_DEFAULT`/`RTLD_NEXT`.
    SymbolNotFound { scope: String, symbol: String },
    /// A handle that is not (or no longer) a handle of a loaded library.
    InvalidHandle { raw: usize },
    /// `dlopen` flags with unknown bits or contradictory bits.
    InvalidMode { mode: i32 },
    /// A NULL symbol name, or a name that is not valid UTF-8.
    InvalidName { what: &'static str },
    /// A file name longer than `PATH_MAX`.
    NameTooLong { len: usize },
    /// Too many libraries loaded at once.
    TooManyLibraries { lib: String },
    /// `dl*` called from inside the loader itself (e.g. by a host callback).
    Reentrant,
}

/// Names longer than this are shortened in messages (a 64 KiB symbol name would otherwise be
/// a 64 KiB `dlerror` string).
const SHOWN_NAME_MAX: usize = 1024;
const SHOWN_NAME_PREFIX: usize = 64;

/// A (possibly non-UTF-8, possibly huge) name as it appears in an error message.
pub fn shown_name(name: &[u8]) -> String {
    if name.len() <= SHOWN_NAME_MAX {
        return String::from_utf8_lossy(name).into_owned();
    }
    let mut s = String::from_utf8_lossy(&name[..SHOWN_NAME_PREFIX]).into_owned();
    s.push_str(&alloc::format!("... ({} bytes)", name.len()));
    s
}

impl DlError {
    pub fn from_host(lib: &str, error: HostError) -> Self {
        DlError::Host { lib: String::from(lib), error }
    }
}

fn host_reason(code: HostErrorCode) -> &'static str {
    match code {
        HostErrorCode::NotFound => "cannot open shared object file: No such file or directory",
        HostErrorCode::AccessDenied => "cannot open shared object file: Permission denied",
        HostErrorCode::InvalidModule => "not a valid WebAssembly module",
        HostErrorCode::LinkError => "link error",
        HostErrorCode::InstantiationFailed => "instantiation failed",
        HostErrorCode::ResourceExhausted => "resource exhausted",
        HostErrorCode::Unsupported => "not supported by the host",
        HostErrorCode::Other => "host error",
    }
}

impl fmt::Display for DlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DlError::NotFound { lib, .. } => {
                write!(f, "{lib}: cannot open shared object file: No such file or directory")
            }
            DlError::Host { lib, error } if error.message.is_empty() => {
                write!(f, "{lib}: {}", host_reason(error.code))
            }
            DlError::Host { lib, error } => {
                write!(f, "{lib}: {}: {}", host_reason(error.code), error.message)
            }
            DlError::NotSideModule { lib } => {
                write!(f, "{lib}: not a side module (no dylink.0 section)")
            }
            DlError::DylinkNotFirst { lib, offset } => write!(
                f,
                "{lib}: malformed side module: dylink.0 must be the first section (found at byte {offset})"
            ),
            DlError::Malformed { lib, error } => write!(f, "{lib}: {error}"),
            DlError::BadSection { lib, section, error } => write!(
                f,
                "{lib}: malformed {section} section at byte {}: {}",
                error.offset, error.reason
            ),
            DlError::UnresolvedImport { lib, module, name } => {
                write!(f, "{lib}: undefined symbol: {name} (import {module}.{name})")
            }
            DlError::ImportKind { lib, module, name, expected } => {
                write!(f, "{lib}: import {module}.{name}: symbol is not {expected}")
            }
            DlError::Unsupported { lib, what } => write!(f, "{lib}: unsupported: {what}"),
            DlError::Dependency { lib, cause } => write!(f, "{lib}: error loading dependency: {cause}"),
            DlError::SelfDependency { lib } => write!(f, "{lib}: library lists itself as a dependency"),
            DlError::OutOfMemory { lib } => write!(f, "{lib}: out of memory reserving its data or table"),
            DlError::NotLoaded { lib } => write!(f, "{lib}: not loaded (RTLD_NOLOAD)"),
            DlError::SymbolNotFound { scope, symbol } => write!(f, "{scope}: undefined symbol: {symbol}"),
            DlError::InvalidHandle { raw } => write!(f, "invalid handle {raw:#x}: not an open library"),
            DlError::InvalidMode { mode } => write!(f, "invalid mode for dlopen(): {mode:#x}"),
            DlError::InvalidName { what } => write!(f, "invalid name: {what}"),
            DlError::NameTooLong { len } => write!(f, "file name too long ({len} bytes)"),
            DlError::TooManyLibraries { lib } => write!(f, "{lib}: too many libraries loaded"),
            DlError::Reentrant => f.write_str("dynamic linker called re-entrantly"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    #[test]
    fn huge_names_are_shortened() {
        assert_eq!(shown_name(b"abc\xff"), "abc\u{fffd}");
        let long = [b'x'; 2000];
        assert_eq!(shown_name(&long), alloc::format!("{}... (2000 bytes)", "x".repeat(64)));
    }

    #[test]
    fn messages_name_the_subject() {
        let e = DlError::UnresolvedImport {
            lib: "libx.so".to_string(),
            module: "env".to_string(),
            name: "nope".to_string(),
        };
        assert_eq!(format!("{e}"), "libx.so: undefined symbol: nope (import env.nope)");
        let e = DlError::Dependency {
            lib: "liba.so".to_string(),
            cause: Box::new(DlError::NotFound { lib: "libb.so".to_string(), tried: 1 }),
        };
        assert_eq!(
            format!("{e}"),
            "liba.so: error loading dependency: libb.so: cannot open shared object file: No such file or directory"
        );
        let e = DlError::Malformed {
            lib: "m.so".to_string(),
            error: ParseError { offset: 20, reason: "varuint32 too long" },
        };
        assert_eq!(format!("{e}"), "m.so: malformed dylink.0 at byte 20: varuint32 too long");
    }
}
