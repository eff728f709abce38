//! CRuby built from source with this libdl (issue 14, ports/ruby): standard-library C
//! extensions loaded by `require` at run time on the reference host, the interpreter unwinding
//! (raise, break, GC, Fiber switches) across their frames, and bad extensions as LoadError.
//! `tests/ruby/extensions.rb` runs natively with the system's Ruby first, against the same
//! transcript.

mod support;
use std::process::Command;
use support::{root, Run, Scratch};

/// Runs `tests/ruby/<script>`, copied into the scratch directory (the guest sees only the
/// current directory), with `bin/ruby-wasi`.
fn ruby_wasi(s: &Scratch, script: &str) -> Run {
    std::fs::copy(root().join("tests/ruby").join(script), s.path(script)).unwrap();
    Run(Command::new(root().join("bin/ruby-wasi"))
        .arg(script)
        .current_dir(s.path(""))
        .output()
        .expect("run bin/ruby-wasi"))
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/ruby").join(name)).unwrap()
}

#[test]
fn standard_extensions_load_and_unwind() {
    let s = Scratch::new("ruby_ext");
    let native = Command::new("ruby")
        .arg(root().join("tests/ruby/extensions.rb"))
        .current_dir(s.path(""))
        .output()
        .expect("run the system's ruby (scripts/setup installs it)");
    Run(native).expect(&expected("extensions.expected"));
    ruby_wasi(&s, "extensions.rb").expect(&expected("extensions.expected"));
}

#[test]
fn bad_extensions_raise_load_error() {
    let s = Scratch::new("ruby_badext");
    ruby_wasi(&s, "badext.rb").expect(&expected("badext.expected"));
}
