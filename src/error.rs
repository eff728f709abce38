//! The typed errors behind `dlerror`.
//!
//! A [`DlError`] is written out when it is made, from a one-line template per kind
//! ([`TEMPLATES`]) and the library, import or symbol names it failed on; [`DlError::message`]
//! gives that glibc-style text `dlerror` returns (written with [`crate::text`], not
//! `core::fmt`). POSIX:
//! <https://pubs.opengroup.org/onlinepubs/9799919799/functions/dlerror.html>.

use crate::host::{HostError, HostErrorCode};
use crate::reader::ParseError;
use crate::text::Text;
use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// A failed `dl*` call: what went wrong ([`ErrorKind`]) and its `dlerror` text, written when
/// the error is made (from the names it went wrong on, which are borrowed, not kept).
/// Boxed, so that every `Result<_, DlError>` in the linker is a word wide, and built by a few
/// out-of-line constructors: an error site is a call, not the construction of an enum full of
/// `String`s (`libdl.so`'s size budget, `tests/artifacts.rs`).
#[derive(Clone, PartialEq, Eq)]
pub struct DlError(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    /// The message as the C string `dlerror` returns: NULs in names shown as `\0` (see
    /// [`Text::shown`]), and a NUL at the end.
    text: String,
}

/// What went wrong; the library and symbol names are in the [`DlError`]'s message.
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
    /// The import or export section (which the host compiled, so this is rare) or the
    /// link-time library table is malformed; `section` names which.
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
    /// `dladdr`: no loaded object contains the address.
    NoObject { addr: usize },
    /// `dlinfo`: a request this libdl does not implement.
    DlinfoRequest { request: i32 },
    /// A NULL pointer where a `dl*` function writes its answer.
    InvalidArgument { what: &'static str },
}

/// Names longer than this are shortened in messages (a 64 KiB symbol name would otherwise be
/// a 64 KiB `dlerror` string).
const SHOWN_NAME_MAX: usize = 1024;
const SHOWN_NAME_PREFIX: usize = 64;

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
    #[inline(always)]
    pub fn import(kind: ErrorKind, lib: &str, module: &str, name: &str) -> Self {
        DlError::write(kind, lib, module, name.as_bytes())
    }

    /// Every constructor ends here: writes the message from the kind's template (see
    /// [`TEMPLATES`]); `name` may be any bytes (a `dlsym` argument).
    #[cold]
    #[inline(never)]
    fn write(kind: ErrorKind, lib: &str, module: &str, name: &[u8]) -> Self {
        let (line, n, a, b) = template(&kind);
        let mut t = Text::new();
        if !lib.is_empty() {
            t.shown(lib.as_bytes()).str(": ");
        }
        let mut skip = line;
        let mut bytes = TEMPLATES.bytes();
        while let Some(c) = bytes.next() {
            // Skip to line `line`; stop at its end.
            if c == b'\n' {
                if skip == 0 {
                    break;
                }
                skip -= 1;
                continue;
            }
            if skip != 0 {
                continue;
            }
            if c != b'$' {
                t.ascii(c);
                continue;
            }
            let piece: &[u8] = match bytes.next() {
                Some(b'd') => {
                    t.digits(n, 10);
                    continue;
                }
                Some(b'x') => {
                    t.digits(n, 16);
                    continue;
                }
                Some(b's') if name.len() > SHOWN_NAME_MAX => {
                    t.shown(&name[..SHOWN_NAME_PREFIX]).str("... (").dec(name.len()).str(" bytes)");
                    continue;
                }
                Some(b'm') => module.as_bytes(),
                Some(b'a') => a.as_bytes(),
                Some(b'b') => b.as_bytes(),
                Some(b'n' | b's') => name,
                // `$h`: the host's message, when it gave one.
                _ if name.is_empty() => continue,
                _ => {
                    t.str(": ");
                    name
                }
            };
            // The static texts have no NULs; escaping them too keeps this one call.
            t.shown(piece);
        }
        t.str("\0");
        DlError(Box::new(Inner { kind, text: t.into_string() }))
    }

    /// `dlsym` found no `name` in `scope` (a library's name, `RTLD_DEFAULT` or `RTLD_NEXT`).
    #[cold]
    #[inline(never)]
    pub fn symbol_not_found(scope: &str, name: &[u8]) -> Self {
        // A `dlsym` miss is a path programs take in loops (probing for optional symbols), so
        // its text is written directly, into a buffer sized once, not through the template
        // interpreter (which walks the templates byte by byte): the same text as
        // `Line::SymbolNotFound`.
        if name.len() > SHOWN_NAME_MAX {
            return DlError::write(ErrorKind::SymbolNotFound, scope, "", name);
        }
        // In the memory of the last error nobody read, if there is one (`DlError::recycle`):
        // a miss in a loop then allocates nothing.
        let mut inner =
            spare::take().unwrap_or_else(|| Box::new(Inner { kind: ErrorKind::Reentrant, text: String::new() }));
        let mut t = Text::reusing(core::mem::take(&mut inner.text), scope.len() + name.len() + 22);
        if !scope.is_empty() {
            t.shown(scope.as_bytes()).str(": ");
        }
        t.str("undefined symbol: ").shown(name).str("\0");
        (inner.kind, inner.text) = (ErrorKind::SymbolNotFound, t.into_string());
        DlError(inner)
    }

    /// Drops the error, keeping its memory for the next `dlsym` miss (`dlerror`'s state
    /// calls this when a newer error replaces one that was never read).
    pub fn recycle(self) {
        spare::put(self.0);
    }

    /// Library `lib` could not be loaded because its dependency could not: `cause`.
    #[cold]
    #[inline(never)]
    pub fn dependency(lib: &str, cause: DlError) -> Self {
        let text = cause.0.text.as_bytes();
        // Its message, without the NUL at the end (already escaped: it has no other NULs).
        DlError::write(ErrorKind::Dependency, lib, "", &text[..text.len() - 1])
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
        String::from(self.0.text.strip_suffix('\0').unwrap_or_default())
    }

    /// [`DlError::message`] as the NUL-terminated string `dlerror` returns.
    pub fn into_c_message(self) -> alloc::vec::Vec<u8> {
        self.0.text.into_bytes()
    }
}

/// One spare error, on wasm (one thread); elsewhere (host-side tests, which run threads)
/// nothing is kept.
mod spare {
    use super::Inner;
    use alloc::boxed::Box;

    #[cfg(target_arch = "wasm32")]
    struct Spare(core::cell::Cell<Option<Box<Inner>>>);
    // SAFETY: wasm32-wasip2 programs have one thread.
    #[cfg(target_arch = "wasm32")]
    unsafe impl Sync for Spare {}
    #[cfg(target_arch = "wasm32")]
    static SPARE: Spare = Spare(core::cell::Cell::new(None));

    pub(super) fn take() -> Option<Box<Inner>> {
        #[cfg(target_arch = "wasm32")]
        return SPARE.0.take();
        #[cfg(not(target_arch = "wasm32"))]
        None
    }

    // (Off wasm the box is only dropped, which is what the parameter is for.)
    #[cfg_attr(not(target_arch = "wasm32"), allow(clippy::boxed_local))]
    pub(super) fn put(_inner: Box<Inner>) {
        #[cfg(target_arch = "wasm32")]
        SPARE.0.set(Some(_inner));
    }
}

/// Declares the `dlerror` templates once: [`Line`], whose discriminants are the line numbers,
/// and [`TEMPLATES`], the lines joined with newlines. One string, not an array of them: every
/// pointer in a static array costs a data relocation at load time.
macro_rules! templates {
    ($($(#[$doc:meta])* $line:ident: $text:literal,)*) => {
        /// The lines of [`TEMPLATES`], in order.
        #[derive(Clone, Copy)]
        #[repr(u8)]
        enum Line {
            $($(#[$doc])* $line,)*
        }

        /// The `dlerror` texts after the subject's "lib: ", one a line ([`Line`] numbers
        /// them). `$n` is the name (`$s` shortened if huge), `$m` the import's module, `$a`
        /// and `$b` the static texts [`template`] gives, `$d` and `$x` its number in decimal
        /// and hex, `$h` ": " and the host's message (the name) when there is one. ASCII only.
        const TEMPLATES: &str = concat!($($text, "\n",)*);
    };
}

templates! {
    /// `ErrorKind::Host`, by `HostErrorCode` (checked below); also `ErrorKind::NotFound`.
    HostNotFound: "cannot open shared object file: No such file or directory$h",
    HostAccessDenied: "cannot open shared object file: Permission denied$h",
    HostInvalidModule: "not a valid WebAssembly module$h",
    HostLinkError: "link error$h",
    HostInstantiationFailed: "instantiation failed$h",
    HostResourceExhausted: "resource exhausted$h",
    HostUnsupported: "not supported by the host$h",
    HostOther: "host error$h",
    NotSideModule: "not a side module (no dylink.0 section)",
    DylinkNotFirst: "malformed side module: dylink.0 must be the first section (found at byte $d)",
    Malformed: "malformed dylink.0 at byte $d: $b",
    BadSection: "malformed $a at byte $d: $b",
    UnresolvedImport: "undefined symbol: $n (import $m.$n)",
    ImportKind: "import $m.$n: symbol is not $a",
    Unsupported: "unsupported: $a",
    Dependency: "error loading dependency: $n",
    SelfDependency: "library lists itself as a dependency",
    OutOfMemory: "out of memory reserving its data or table",
    NotLoaded: "not loaded (RTLD_NOLOAD)",
    /// Also written directly by `DlError::symbol_not_found` (a test keeps the two equal).
    SymbolNotFound: "undefined symbol: $s",
    InvalidHandle: "invalid handle 0x$x: not an open library",
    InvalidMode: "invalid mode for dlopen(): 0x$x",
    InvalidName: "invalid name: $a",
    NameTooLong: "file name too long ($d bytes)",
    TooManyLibraries: "too many libraries loaded",
    Reentrant: "dynamic linker called re-entrantly",
    NoObject: "no loaded object contains address 0x$x",
    DlinfoRequest: "unsupported dlinfo request $d",
    InvalidArgument: "invalid argument: $a",
}

/// Whether every `$` in `t` starts a code [`DlError::write`] knows, and `t` is ASCII.
const fn codes_known(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii() {
            return false;
        }
        if b[i] == b'$' {
            i += 1;
            if i == b.len() || !matches!(b[i], b'd' | b'x' | b's' | b'm' | b'a' | b'b' | b'n' | b'h') {
                return false;
            }
        }
        i += 1;
    }
    true
}

// An unknown `$` code, or a host error code out of step with its line, fails the build.
const _: () = {
    assert!(codes_known(TEMPLATES));
    let host = [
        (HostErrorCode::NotFound, Line::HostNotFound),
        (HostErrorCode::AccessDenied, Line::HostAccessDenied),
        (HostErrorCode::InvalidModule, Line::HostInvalidModule),
        (HostErrorCode::LinkError, Line::HostLinkError),
        (HostErrorCode::InstantiationFailed, Line::HostInstantiationFailed),
        (HostErrorCode::ResourceExhausted, Line::HostResourceExhausted),
        (HostErrorCode::Unsupported, Line::HostUnsupported),
        (HostErrorCode::Other, Line::HostOther),
    ];
    let mut i = 0;
    while i < host.len() {
        assert!(host[i].0 as u8 == host[i].1 as u8);
        i += 1;
    }
};

/// Which line of [`TEMPLATES`] is `kind`'s message, and the number and static texts it shows.
fn template(kind: &ErrorKind) -> (usize, usize, &'static str, &'static str) {
    // The line, then the values of the kinds that carry some: two matches compile smaller
    // than one that sets all four in every arm.
    let line = match *kind {
        ErrorKind::NotFound | ErrorKind::Host(_) => Line::HostNotFound as usize,
        ErrorKind::NotSideModule => Line::NotSideModule as usize,
        ErrorKind::DylinkNotFirst { .. } => Line::DylinkNotFirst as usize,
        ErrorKind::Malformed(_) => Line::Malformed as usize,
        ErrorKind::BadSection { .. } => Line::BadSection as usize,
        ErrorKind::UnresolvedImport => Line::UnresolvedImport as usize,
        ErrorKind::ImportKind { .. } => Line::ImportKind as usize,
        ErrorKind::Unsupported { .. } => Line::Unsupported as usize,
        ErrorKind::Dependency => Line::Dependency as usize,
        ErrorKind::SelfDependency => Line::SelfDependency as usize,
        ErrorKind::OutOfMemory => Line::OutOfMemory as usize,
        ErrorKind::NotLoaded => Line::NotLoaded as usize,
        ErrorKind::SymbolNotFound => Line::SymbolNotFound as usize,
        ErrorKind::InvalidHandle { .. } => Line::InvalidHandle as usize,
        ErrorKind::InvalidMode { .. } => Line::InvalidMode as usize,
        ErrorKind::InvalidName { .. } => Line::InvalidName as usize,
        ErrorKind::NameTooLong { .. } => Line::NameTooLong as usize,
        ErrorKind::TooManyLibraries => Line::TooManyLibraries as usize,
        ErrorKind::Reentrant => Line::Reentrant as usize,
        ErrorKind::NoObject { .. } => Line::NoObject as usize,
        ErrorKind::DlinfoRequest { .. } => Line::DlinfoRequest as usize,
        ErrorKind::InvalidArgument { .. } => Line::InvalidArgument as usize,
    };
    let (line, n, a, b) = match *kind {
        // The host lines are in `HostErrorCode` order (checked at build time).
        ErrorKind::Host(code) => (code as usize, 0, "", ""),
        ErrorKind::DylinkNotFirst { offset } => (line, offset as usize, "", ""),
        ErrorKind::Malformed(error) => (line, error.offset, "", error.reason),
        ErrorKind::BadSection { section, error } => (line, error.offset, section, error.reason),
        ErrorKind::ImportKind { expected: a }
        | ErrorKind::Unsupported { what: a }
        | ErrorKind::InvalidName { what: a }
        | ErrorKind::InvalidArgument { what: a } => (line, 0, a, ""),
        ErrorKind::InvalidHandle { raw: n } | ErrorKind::NameTooLong { len: n } | ErrorKind::NoObject { addr: n } => {
            (line, n, "", "")
        }
        ErrorKind::DlinfoRequest { request } => (line, request as u32 as usize, "", ""),
        // `{:#x}` of a negative `i32` shows its two's complement bits.
        ErrorKind::InvalidMode { mode } => (line, mode as u32 as usize, "", ""),
        _ => (line, 0, "", ""),
    };
    (line, n, a, b)
}

impl fmt::Debug for DlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// For tests and host-side users; libdl itself hands out [`DlError::into_c_message`].
impl fmt::Display for DlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    /// Every kind's text, as the `match` that wrote them before the templates did.
    #[test]
    fn every_kind_has_its_text() {
        let pe = ParseError { offset: 7, reason: "bad" };
        let cases: &[(ErrorKind, &str)] = &[
            (
                ErrorKind::Host(HostErrorCode::NotFound),
                "l: cannot open shared object file: No such file or directory: n",
            ),
            (ErrorKind::Host(HostErrorCode::AccessDenied), "l: cannot open shared object file: Permission denied: n"),
            (ErrorKind::Host(HostErrorCode::InvalidModule), "l: not a valid WebAssembly module: n"),
            (ErrorKind::Host(HostErrorCode::LinkError), "l: link error: n"),
            (ErrorKind::Host(HostErrorCode::InstantiationFailed), "l: instantiation failed: n"),
            (ErrorKind::Host(HostErrorCode::ResourceExhausted), "l: resource exhausted: n"),
            (ErrorKind::Host(HostErrorCode::Unsupported), "l: not supported by the host: n"),
            (ErrorKind::Host(HostErrorCode::Other), "l: host error: n"),
            (ErrorKind::NotSideModule, "l: not a side module (no dylink.0 section)"),
            (
                ErrorKind::DylinkNotFirst { offset: 42 },
                "l: malformed side module: dylink.0 must be the first section (found at byte 42)",
            ),
            (ErrorKind::Malformed(pe), "l: malformed dylink.0 at byte 7: bad"),
            (
                ErrorKind::BadSection { section: "export section", error: pe },
                "l: malformed export section at byte 7: bad",
            ),
            (ErrorKind::UnresolvedImport, "l: undefined symbol: n (import m.n)"),
            (ErrorKind::ImportKind { expected: "a function" }, "l: import m.n: symbol is not a function"),
            (ErrorKind::Unsupported { what: "thread-local storage" }, "l: unsupported: thread-local storage"),
            (ErrorKind::Dependency, "l: error loading dependency: n"),
            (ErrorKind::SelfDependency, "l: library lists itself as a dependency"),
            (ErrorKind::OutOfMemory, "l: out of memory reserving its data or table"),
            (ErrorKind::NotLoaded, "l: not loaded (RTLD_NOLOAD)"),
            (ErrorKind::SymbolNotFound, "l: undefined symbol: n"),
            (ErrorKind::InvalidHandle { raw: 0x1234 }, "l: invalid handle 0x1234: not an open library"),
            (ErrorKind::InvalidMode { mode: -2 }, "l: invalid mode for dlopen(): 0xfffffffe"),
            (ErrorKind::InvalidName { what: "NULL symbol name" }, "l: invalid name: NULL symbol name"),
            (ErrorKind::NameTooLong { len: 5000 }, "l: file name too long (5000 bytes)"),
            (ErrorKind::TooManyLibraries, "l: too many libraries loaded"),
            (ErrorKind::Reentrant, "l: dynamic linker called re-entrantly"),
            (ErrorKind::NoObject { addr: 0xff }, "l: no loaded object contains address 0xff"),
            (ErrorKind::DlinfoRequest { request: 99 }, "l: unsupported dlinfo request 99"),
            (ErrorKind::InvalidArgument { what: "w" }, "l: invalid argument: w"),
        ];
        for &(kind, want) in cases {
            let e = DlError::import(kind, "l", "m", "n");
            assert_eq!(e.message(), want);
            assert_eq!(e.kind(), &kind);
            let mut c = alloc::vec::Vec::from(want.as_bytes());
            c.push(0);
            assert_eq!(e.into_c_message(), c);
        }
        // `NotFound` shares the host's text; it never has a name.
        let e = DlError::at(ErrorKind::NotFound, "l");
        assert_eq!(e.message(), "l: cannot open shared object file: No such file or directory");
        let e = DlError::from_host("l", HostError { code: HostErrorCode::LinkError, message: String::new() });
        assert_eq!(e.message(), "l: link error");
        assert_eq!(DlError::new(ErrorKind::Reentrant).message(), "dynamic linker called re-entrantly");
    }

    #[test]
    fn nuls_in_names_are_shown_escaped() {
        let e = DlError::import(ErrorKind::UnresolvedImport, "a\0b", "\0", "x\0\0y\0");
        assert_eq!(e.message(), "a\\0b: undefined symbol: x\\0\\0y\\0 (import \\0.x\\0\\0y\\0)");
        let e = DlError::symbol_not_found("RTLD_DEFAULT", b"\0\xff");
        assert_eq!(e.into_c_message(), b"RTLD_DEFAULT: undefined symbol: \\0\xef\xbf\xbd\0");
    }

    #[test]
    fn dlsym_miss_text_is_its_template_line() {
        // `symbol_not_found` writes the short text directly; it must match its template.
        for (scope, name) in [("", &b"f"[..]), ("libx.so", b"f"), ("RTLD_NEXT", b"a\0\xffb"), ("l\0", b"")] {
            let direct = DlError::symbol_not_found(scope, name);
            let templated = DlError::write(ErrorKind::SymbolNotFound, scope, "", name);
            assert_eq!(direct, templated, "{scope:?} {name:?}");
        }
    }

    #[test]
    fn huge_names_are_shortened() {
        let shown = |name: &[u8]| DlError::symbol_not_found("", name).message();
        assert_eq!(shown(b"abc\xff"), "undefined symbol: abc\u{fffd}");
        assert_eq!(shown(&[b'x'; 1024]), alloc::format!("undefined symbol: {}", "x".repeat(1024)));
        let long = [b'x'; 2000];
        assert_eq!(shown(&long), alloc::format!("undefined symbol: {}... (2000 bytes)", "x".repeat(64)));
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
