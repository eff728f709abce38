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

/// A failed `dl*` call: what went wrong ([`ErrorKind`]) and the names it went wrong on.
/// Boxed, so that every `Result<_, DlError>` in the linker is a word wide, and built by a few
/// out-of-line constructors that take the names borrowed: an error site is a call, not the
/// construction of an enum full of `String`s (issue 4's size target).
#[derive(Clone, PartialEq, Eq)]
pub struct DlError(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    /// The library (or `dlsym` scope) the message starts with, before ": "; empty for none.
    subject: String,
    /// The symbol or import field; for [`ErrorKind::Host`], the host's own message.
    name: String,
    /// The import's module ([`ErrorKind::UnresolvedImport`], [`ErrorKind::ImportKind`]).
    module: String,
    /// Why a dependency failed ([`ErrorKind::Dependency`]).
    cause: Option<DlError>,
}

/// What went wrong; the library and symbol names are in the [`DlError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `dlopen(name)`: no candidate id exists.
    NotFound,
    /// The host refused or failed to load an id (access denied, not wasm, ...).
    Host(HostErrorCode),
    /// The module has no `dylink.0` section: not a side module.
    NotSideModule,
    /// `dylink.0` is not the module's first section.
    DylinkNotFirst { offset: u32 },
    /// `dylink.0` is malformed.
    Malformed(ParseError),
    /// The import or export section is malformed (the host compiled it, so rarely seen).
    BadSection { section: &'static str, error: ParseError },
    /// An import no loaded library (nor the main program) provides.
    UnresolvedImport,
    /// An import resolved to something of the wrong kind (a function for a data import, ...).
    ImportKind { expected: &'static str },
    /// Something the linker does not implement yet (e.g. thread-local storage).
    Unsupported { what: &'static str },
    /// A NEEDED dependency failed to load.
    Dependency,
    /// A library lists itself as a NEEDED dependency.
    SelfDependency,
    /// Out of linear memory or table space for a library.
    OutOfMemory,
    /// `RTLD_NOLOAD` and the library is not loaded.
    NotLoaded,
    /// `dlsym` did not find the symbol; the subject is the library name or
    /// `RTLD_DEFAULT`/`RTLD_NEXT`.
    SymbolNotFound,
    /// A handle that is not (or no longer) a handle of a loaded library.
    InvalidHandle { raw: usize },
    /// `dlopen` flags with unknown bits or contradictory bits.
    InvalidMode { mode: i32 },
    /// A NULL symbol name, or a name that is not valid UTF-8.
    InvalidName { what: &'static str },
    /// A file name longer than `PATH_MAX`.
    NameTooLong { len: usize },
    /// Too many libraries loaded at once.
    TooManyLibraries,
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
    /// An error about no library in particular.
    #[cold]
    #[inline(never)]
    pub fn new(kind: ErrorKind) -> Self {
        DlError::at(kind, "")
    }

    /// An error about library (or `dlsym` scope) `subject`.
    #[cold]
    #[inline(never)]
    pub fn at(kind: ErrorKind, subject: &str) -> Self {
        DlError::import(kind, subject, "", "")
    }

    /// An error about import `module.name` of library `lib` (or, with an empty `module`,
    /// about symbol `name` in scope `lib`).
    #[cold]
    #[inline(never)]
    pub fn import(kind: ErrorKind, lib: &str, module: &str, name: &str) -> Self {
        DlError(Box::new(Inner {
            kind,
            subject: String::from(lib),
            name: String::from(name),
            module: String::from(module),
            cause: None,
        }))
    }

    /// `dlsym` found no `name` in `scope` (a library's name, `RTLD_DEFAULT` or `RTLD_NEXT`).
    #[cold]
    #[inline(never)]
    pub fn symbol_not_found(scope: &str, name: &[u8]) -> Self {
        let mut e = DlError::at(ErrorKind::SymbolNotFound, scope);
        e.0.name = shown_name(name);
        e
    }

    /// Library `lib` could not be loaded because its dependency could not: `cause`.
    #[cold]
    #[inline(never)]
    pub fn dependency(lib: &str, cause: DlError) -> Self {
        let mut e = DlError::at(ErrorKind::Dependency, lib);
        e.0.cause = Some(cause);
        e
    }

    /// The host failed an operation for library `lib`.
    #[cold]
    #[inline(never)]
    pub fn from_host(lib: &str, error: HostError) -> Self {
        DlError::import(ErrorKind::Host(error.code), lib, "", &error.message)
    }

    /// Which error this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The glibc-style text `dlerror` returns.
    pub fn message(&self) -> String {
        let mut t = Text::new();
        self.write_to(&mut t);
        t.into_string()
    }

    fn write_to(&self, t: &mut Text) {
        let Inner { kind, subject, name, module, cause } = &*self.0;
        if !subject.is_empty() {
            t.str(subject).str(": ");
        }
        match *kind {
            ErrorKind::NotFound => {
                t.str("cannot open shared object file: No such file or directory");
            }
            ErrorKind::Host(code) => {
                t.str(host_reason(code));
                if !name.is_empty() {
                    t.str(": ").str(name);
                }
            }
            ErrorKind::NotSideModule => {
                t.str("not a side module (no dylink.0 section)");
            }
            ErrorKind::DylinkNotFirst { offset } => {
                t.str("malformed side module: dylink.0 must be the first section (found at byte ")
                    .dec(u64::from(offset))
                    .str(")");
            }
            ErrorKind::Malformed(error) => error.write_to(t),
            ErrorKind::BadSection { section, error } => {
                t.str("malformed ").str(section).str(" section at byte ");
                t.dec(error.offset as u64).str(": ").str(error.reason);
            }
            ErrorKind::UnresolvedImport => {
                t.str("undefined symbol: ").str(name);
                t.str(" (import ").str(module).str(".").str(name).str(")");
            }
            ErrorKind::ImportKind { expected } => {
                t.str("import ").str(module).str(".").str(name);
                t.str(": symbol is not ").str(expected);
            }
            ErrorKind::Unsupported { what } => {
                t.str("unsupported: ").str(what);
            }
            ErrorKind::Dependency => {
                t.str("error loading dependency: ");
                if let Some(cause) = cause {
                    cause.write_to(t);
                }
            }
            ErrorKind::SelfDependency => {
                t.str("library lists itself as a dependency");
            }
            ErrorKind::OutOfMemory => {
                t.str("out of memory reserving its data or table");
            }
            ErrorKind::NotLoaded => {
                t.str("not loaded (RTLD_NOLOAD)");
            }
            ErrorKind::SymbolNotFound => {
                t.str("undefined symbol: ").str(name);
            }
            ErrorKind::InvalidHandle { raw } => {
                t.str("invalid handle ").hex(raw as u64).str(": not an open library");
            }
            ErrorKind::InvalidMode { mode } => {
                // `{:#x}` of a negative `i32` shows its two's complement bits.
                t.str("invalid mode for dlopen(): ").hex(u64::from(mode as u32));
            }
            ErrorKind::InvalidName { what } => {
                t.str("invalid name: ").str(what);
            }
            ErrorKind::NameTooLong { len } => {
                t.str("file name too long (").dec(len as u64).str(" bytes)");
            }
            ErrorKind::TooManyLibraries => {
                t.str("too many libraries loaded");
            }
            ErrorKind::Reentrant => {
                t.str("dynamic linker called re-entrantly");
            }
        }
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

    #[test]
    fn huge_names_are_shortened() {
        assert_eq!(shown_name(b"abc\xff"), "abc\u{fffd}");
        let long = [b'x'; 2000];
        assert_eq!(shown_name(&long), alloc::format!("{}... (2000 bytes)", "x".repeat(64)));
    }

    #[test]
    fn messages_name_the_subject() {
        let e = DlError::import(ErrorKind::UnresolvedImport, "libx.so", "env", "nope");
        assert_eq!(format!("{e}"), "libx.so: undefined symbol: nope (import env.nope)");
        let e = DlError::dependency("liba.so", DlError::at(ErrorKind::NotFound, "libb.so"));
        assert_eq!(
            format!("{e}"),
            "liba.so: error loading dependency: libb.so: cannot open shared object file: No such file or directory"
        );
        let e = DlError::at(ErrorKind::Malformed(ParseError { offset: 20, reason: "varuint32 too long" }), "m.so");
        assert_eq!(format!("{e}"), "m.so: malformed dylink.0 at byte 20: varuint32 too long");
    }
}
