//! The typed errors behind `dlerror`.
//!
//! Each variant keeps the library or symbol name it failed on; [`DlError::message`] gives the
//! glibc-style text `dlerror` returns (written with [`crate::text`], not `core::fmt`). POSIX:
//! <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlerror.html>.

use crate::dylink::ParseError;
use crate::host::{HostError, HostErrorCode};
use crate::text::Text;
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
    let mut t = Text::new();
    if name.len() <= SHOWN_NAME_MAX {
        t.lossy(name);
    } else {
        t.lossy(&name[..SHOWN_NAME_PREFIX]).str("... (").dec(name.len() as u64).str(" bytes)");
    }
    t.into_string()
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

impl DlError {
    /// The glibc-style text `dlerror` returns.
    pub fn message(&self) -> String {
        let mut t = Text::new();
        self.write_to(&mut t);
        t.into_string()
    }

    /// The library (or `dlsym` scope) the message starts with, before ": ".
    fn subject(&self) -> Option<&str> {
        match self {
            DlError::NotFound { lib, .. }
            | DlError::Host { lib, .. }
            | DlError::NotSideModule { lib }
            | DlError::DylinkNotFirst { lib, .. }
            | DlError::Malformed { lib, .. }
            | DlError::BadSection { lib, .. }
            | DlError::UnresolvedImport { lib, .. }
            | DlError::ImportKind { lib, .. }
            | DlError::Unsupported { lib, .. }
            | DlError::Dependency { lib, .. }
            | DlError::SelfDependency { lib }
            | DlError::OutOfMemory { lib }
            | DlError::NotLoaded { lib }
            | DlError::TooManyLibraries { lib } => Some(lib),
            DlError::SymbolNotFound { scope, .. } => Some(scope),
            DlError::InvalidHandle { .. }
            | DlError::InvalidMode { .. }
            | DlError::InvalidName { .. }
            | DlError::NameTooLong { .. }
            | DlError::Reentrant => None,
        }
    }

    fn write_to(&self, t: &mut Text) {
        if let Some(subject) = self.subject() {
            t.str(subject).str(": ");
        }
        match self {
            DlError::NotFound { .. } => {
                t.str("cannot open shared object file: No such file or directory");
            }
            DlError::Host { error, .. } => {
                t.str(host_reason(error.code));
                if !error.message.is_empty() {
                    t.str(": ").str(&error.message);
                }
            }
            DlError::NotSideModule { .. } => {
                t.str("not a side module (no dylink.0 section)");
            }
            DlError::DylinkNotFirst { offset, .. } => {
                t.str("malformed side module: dylink.0 must be the first section (found at byte ")
                    .dec(u64::from(*offset))
                    .str(")");
            }
            DlError::Malformed { error, .. } => error.write_to(t),
            DlError::BadSection { section, error, .. } => {
                t.str("malformed ").str(section).str(" section at byte ");
                t.dec(error.offset as u64).str(": ").str(error.reason);
            }
            DlError::UnresolvedImport { module, name, .. } => {
                t.str("undefined symbol: ").str(name);
                t.str(" (import ").str(module).str(".").str(name).str(")");
            }
            DlError::ImportKind { module, name, expected, .. } => {
                t.str("import ").str(module).str(".").str(name);
                t.str(": symbol is not ").str(expected);
            }
            DlError::Unsupported { what, .. } => {
                t.str("unsupported: ").str(what);
            }
            DlError::Dependency { cause, .. } => cause.write_to(t.str("error loading dependency: ")),
            DlError::SelfDependency { .. } => {
                t.str("library lists itself as a dependency");
            }
            DlError::OutOfMemory { .. } => {
                t.str("out of memory reserving its data or table");
            }
            DlError::NotLoaded { .. } => {
                t.str("not loaded (RTLD_NOLOAD)");
            }
            DlError::SymbolNotFound { symbol, .. } => {
                t.str("undefined symbol: ").str(symbol);
            }
            DlError::InvalidHandle { raw } => {
                t.str("invalid handle ").hex(*raw as u64).str(": not an open library");
            }
            DlError::InvalidMode { mode } => {
                // `{:#x}` of a negative `i32` shows its two's complement bits.
                t.str("invalid mode for dlopen(): ").hex(u64::from(*mode as u32));
            }
            DlError::InvalidName { what } => {
                t.str("invalid name: ").str(what);
            }
            DlError::NameTooLong { len } => {
                t.str("file name too long (").dec(*len as u64).str(" bytes)");
            }
            DlError::TooManyLibraries { .. } => {
                t.str("too many libraries loaded");
            }
            DlError::Reentrant => {
                t.str("dynamic linker called re-entrantly");
            }
        }
    }
}

/// For tests and host-side users; libdl itself calls [`DlError::message`].
impl fmt::Display for DlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
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
