//! Library names to host ids: lexical path normalisation and the search order.
//!
//! A name containing `/` is used as a path and nothing else (as on Linux). A bare name is
//! tried as a path relative to the current directory, then in each `LD_LIBRARY_PATH` entry,
//! then in the requesting library's `RUNPATH` entries (dylink.0 `RUNTIME_PATH`) with `$ORIGIN`
//! replaced by that library's directory (ld.so(8)).

use alloc::string::String;
use alloc::vec::Vec;

/// Collapses `//`, `/./`, a leading `./` and `dir/..` lexically, so that one library opened
/// under spellings like `./lib/x.so` and `lib//x.so` is recognised as the same.
/// `..` that would climb above the start of a relative path is kept (the host confines ids).
// `push_str("/")`, not `push('/')`: `String::push` encodes a `char` (UTF-8 encoder code).
#[allow(clippy::single_char_add_str)]
pub fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    // The kept parts, `/`-separated (with a leading `/` if absolute): first any `..` that
    // climb above a relative start, then `named` parts that a later `..` removes again.
    let mut out = String::with_capacity(path.len());
    let mut named = 0;
    for part in pieces(path, b'/') {
        match part {
            "" | "." => {}
            ".." if named > 0 => {
                // The last part goes, with the `/` before it (if it has one).
                out.truncate(out.bytes().rposition(|b| b == b'/').unwrap_or(0));
                named -= 1;
            }
            ".." if absolute => {}
            p => {
                if absolute || !out.is_empty() {
                    out.push_str("/");
                }
                out.push_str(p);
                named += usize::from(p != "..");
            }
        }
    }
    if out.is_empty() {
        out.push_str(if absolute { "/" } else { "." });
    }
    out
}

/// The directory part of `path` (`"."` for a bare name).
pub fn dirname(path: &str) -> &str {
    // (`get`, not slicing: the slice's char-boundary check would bring in `core`'s panic
    // formatting, ~0.5 KiB; a byte search, not `rsplit_once('/')`, which brings in memrchr.)
    match path.bytes().rposition(|b| b == b'/') {
        Some(0) => "/",
        Some(i) => path.get(..i).unwrap_or("."),
        None => ".",
    }
}

/// The pieces of `s` between the ASCII bytes `sep`, as `s.split(sep as char)` gives them
/// (without `core`'s memchr-based char searcher: these strings are short).
fn pieces(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    core::iter::from_fn(move || {
        let r = rest?;
        let end = r.bytes().position(|b| b == sep);
        // Cutting at an ASCII byte keeps both sides valid `str`s: `get` cannot fail here.
        rest = end.and_then(|i| r.get(i + 1..));
        r.get(..end.unwrap_or(r.len()))
    })
}

#[allow(clippy::single_char_add_str)] // see `normalize`
fn join(dir: &str, name: &str) -> String {
    let dir = if dir.is_empty() { "." } else { dir };
    let mut s = String::with_capacity(dir.len() + 1 + name.len());
    s.push_str(dir);
    s.push_str("/");
    s.push_str(name);
    normalize(&s)
}

/// Expands `$ORIGIN` / `${ORIGIN}` in one RUNPATH entry.
pub fn expand_origin(entry: &str, origin: &str) -> String {
    replace_all(&replace_all(entry, "${ORIGIN}", origin), "$ORIGIN", origin)
}

/// `s` with every `from` replaced by `to`, left to right, as `str::replace` does (which would
/// bring in `core`'s two-way substring searcher; these strings are short).
fn replace_all(s: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // A match of (valid UTF-8) `from` starts and ends on char boundaries, so the `get`s below
    // always succeed; they copy the unmatched runs whole.
    let (mut at, mut copied) = (0, 0);
    while at < s.len() {
        if s.as_bytes()[at..].starts_with(from.as_bytes()) && !from.is_empty() {
            out.push_str(s.get(copied..at).unwrap_or(""));
            out.push_str(to);
            at += from.len();
            copied = at;
        } else {
            at += 1;
        }
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    out
}

/// Candidate ids for `name`, in search order, without duplicates.
/// `origin` is the directory of the library whose NEEDED entry or RUNPATH is being used.
pub fn candidates(name: &str, ld_library_path: Option<&str>, runpath: &[&str], origin: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |c: String| {
        if !out.contains(&c) {
            out.push(c);
        }
    };
    push(normalize(name));
    if name.bytes().any(|b| b == b'/') {
        return out;
    }
    for dir in pieces(ld_library_path.unwrap_or(""), b':').filter(|d| !d.is_empty()) {
        push(join(dir, name));
    }
    for entry in runpath {
        for dir in pieces(entry, b':').filter(|d| !d.is_empty()) {
            push(join(&expand_origin(dir, origin), name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pieces_and_dirname_match_core(s in "[a/:.é]{0,12}") {
            for sep in [b'/', b':'] {
                prop_assert!(pieces(&s, sep).eq(s.split(sep as char)));
            }
            let expected = match s.rsplit_once('/') {
                Some(("", _)) => "/",
                Some((dir, _)) => dir,
                None => ".",
            };
            prop_assert_eq!(dirname(&s), expected);
        }

        #[test]
        fn replace_all_matches_str_replace(s in "[$aé{}]{0,12}", from in "[$aé{}]{1,3}") {
            prop_assert_eq!(replace_all(&s, &from, "/o"), s.replace(&from, "/o"));
        }
    }
    use alloc::vec;

    #[test]
    fn replaces_like_str_replace() {
        for (s, from, to) in [
            ("$ORIGIN/a:$ORIGIN", "$ORIGIN", "/o"),
            ("x$$ORIGINy", "$ORIGIN", "é"),
            ("ü$ORIGI", "$ORIGIN", "/o"),
            ("aaa", "aa", "b"),
            ("", "$ORIGIN", "/o"),
        ] {
            assert_eq!(replace_all(s, from, to), s.replace(from, to));
        }
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("./libx.so"), "libx.so");
        assert_eq!(normalize("lib//x.so"), "lib/x.so");
        assert_eq!(normalize("a/./b/../x.so"), "a/x.so");
        assert_eq!(normalize("/a/../../x.so"), "/x.so");
        assert_eq!(normalize("../x.so"), "../x.so");
        assert_eq!(normalize("a/../../x.so"), "../x.so");
        assert_eq!(normalize("."), ".");
        assert_eq!(normalize(""), ".");
    }

    #[test]
    fn dirnames() {
        assert_eq!(dirname("lib/x.so"), "lib");
        assert_eq!(dirname("/x.so"), "/");
        assert_eq!(dirname("x.so"), ".");
    }

    #[test]
    fn path_names_are_not_searched() {
        assert_eq!(candidates("./sub/x.so", Some("/l"), &[], "."), vec!["sub/x.so"]);
    }

    #[test]
    fn search_order() {
        let rp = ["$ORIGIN/deps:${ORIGIN}/../x"];
        assert_eq!(
            candidates("libz.so", Some("l1::/l2"), &rp, "plugins"),
            vec!["libz.so", "l1/libz.so", "/l2/libz.so", "plugins/deps/libz.so", "x/libz.so"]
        );
    }

    #[test]
    fn duplicates_removed() {
        assert_eq!(candidates("a.so", Some(".:./"), &[], "."), vec!["a.so"]);
    }
}
