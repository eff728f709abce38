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

/// A failed `dl*` call. Boxed, so that every `Result<_, DlError>` in the linker is a word wide:
/// an unboxed error (three names and more) made each `?` a 44-byte copy, which was a large
/// share of `libdl.so`'s code (issue 4's size target).
#[derive(Clone, PartialEq, Eq)]
pub struct DlError(Box<ErrorKind>);

/// What went wrong, with the library or symbol name it went wrong on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
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
    Dependency { lib: String, cause: DlError },
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
        ErrorKind::Host { lib: String::from(lib), error }.into()
    }

    /// Which error this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// The glibc-style text `dlerror` returns.
    pub fn message(&self) -> String {
        let mut t = Text::new();
        self.0.write_to(&mut t);
        t.into_string()
    }
}

impl From<ErrorKind> for DlError {
    /// One out-of-line copy of the boxing for every error site.
    #[cold]
    #[inline(never)]
    fn from(kind: ErrorKind) -> Self {
        DlError(Box::new(kind))
    }
}

impl fmt::Debug for DlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
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

impl ErrorKind {
    /// The library (or `dlsym` scope) the message starts with, before ": ".
    fn subject(&self) -> Option<&str> {
        match self {
            ErrorKind::NotFound { lib, .. }
            | ErrorKind::Host { lib, .. }
            | ErrorKind::NotSideModule { lib }
            | ErrorKind::DylinkNotFirst { lib, .. }
            | ErrorKind::Malformed { lib, .. }
            | ErrorKind::BadSection { lib, .. }
            | ErrorKind::UnresolvedImport { lib, .. }
            | ErrorKind::ImportKind { lib, .. }
            | ErrorKind::Unsupported { lib, .. }
            | ErrorKind::Dependency { lib, .. }
            | ErrorKind::SelfDependency { lib }
            | ErrorKind::OutOfMemory { lib }
            | ErrorKind::NotLoaded { lib }
            | ErrorKind::TooManyLibraries { lib } => Some(lib),
            ErrorKind::SymbolNotFound { scope, .. } => Some(scope),
            ErrorKind::InvalidHandle { .. }
            | ErrorKind::InvalidMode { .. }
            | ErrorKind::InvalidName { .. }
            | ErrorKind::NameTooLong { .. }
            | ErrorKind::Reentrant => None,
        }
    }

    fn write_to(&self, t: &mut Text) {
        if let Some(subject) = self.subject() {
            t.str(subject).str(": ");
        }
        match self {
            ErrorKind::NotFound { .. } => {
                t.str("cannot open shared object file: No such file or directory");
            }
            ErrorKind::Host { error, .. } => {
                t.str(host_reason(error.code));
                if !error.message.is_empty() {
                    t.str(": ").str(&error.message);
                }
            }
            ErrorKind::NotSideModule { .. } => {
                t.str("not a side module (no dylink.0 section)");
            }
            ErrorKind::DylinkNotFirst { offset, .. } => {
                t.str("malformed side module: dylink.0 must be the first section (found at byte ")
                    .dec(u64::from(*offset))
                    .str(")");
            }
            ErrorKind::Malformed { error, .. } => error.write_to(t),
            ErrorKind::BadSection { section, error, .. } => {
                t.str("malformed ").str(section).str(" section at byte ");
                t.dec(error.offset as u64).str(": ").str(error.reason);
            }
            ErrorKind::UnresolvedImport { module, name, .. } => {
                t.str("undefined symbol: ").str(name);
                t.str(" (import ").str(module).str(".").str(name).str(")");
            }
            ErrorKind::ImportKind { module, name, expected, .. } => {
                t.str("import ").str(module).str(".").str(name);
                t.str(": symbol is not ").str(expected);
            }
            ErrorKind::Unsupported { what, .. } => {
                t.str("unsupported: ").str(what);
            }
            ErrorKind::Dependency { cause, .. } => cause.0.write_to(t.str("error loading dependency: ")),
            ErrorKind::SelfDependency { .. } => {
                t.str("library lists itself as a dependency");
            }
            ErrorKind::OutOfMemory { .. } => {
                t.str("out of memory reserving its data or table");
            }
            ErrorKind::NotLoaded { .. } => {
                t.str("not loaded (RTLD_NOLOAD)");
            }
            ErrorKind::SymbolNotFound { symbol, .. } => {
                t.str("undefined symbol: ").str(symbol);
            }
            ErrorKind::InvalidHandle { raw } => {
                t.str("invalid handle ").hex(*raw as u64).str(": not an open library");
            }
            ErrorKind::InvalidMode { mode } => {
                // `{:#x}` of a negative `i32` shows its two's complement bits.
                t.str("invalid mode for dlopen(): ").hex(u64::from(*mode as u32));
            }
            ErrorKind::InvalidName { what } => {
                t.str("invalid name: ").str(what);
            }
            ErrorKind::NameTooLong { len } => {
                t.str("file name too long (").dec(*len as u64).str(" bytes)");
            }
            ErrorKind::TooManyLibraries { .. } => {
                t.str("too many libraries loaded");
            }
            ErrorKind::Reentrant => {
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
        let e = DlError::from(ErrorKind::UnresolvedImport {
            lib: "libx.so".to_string(),
            module: "env".to_string(),
            name: "nope".to_string(),
        });
        assert_eq!(format!("{e}"), "libx.so: undefined symbol: nope (import env.nope)");
        let e = DlError::from(ErrorKind::Dependency {
            lib: "liba.so".to_string(),
            cause: ErrorKind::NotFound { lib: "libb.so".to_string(), tried: 1 }.into(),
        });
        assert_eq!(
            format!("{e}"),
            "liba.so: error loading dependency: libb.so: cannot open shared object file: No such file or directory"
        );
        let e = DlError::from(ErrorKind::Malformed {
            lib: "m.so".to_string(),
            error: ParseError { offset: 20, reason: "varuint32 too long" },
        });
        assert_eq!(format!("{e}"), "m.so: malformed dylink.0 at byte 20: varuint32 too long");
    }
}
