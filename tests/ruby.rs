//! CRuby built from source with this libdl (issue 14, ports/ruby), on the reference host
//! (runtime `require` through our dlopen) and on wasmtime (link-time mode, `--wasmtime`):
//! - the standard library's C extensions load, and the interpreter unwinds (raise, break, GC,
//!   Fiber switches) across their frames: `tests/ruby/extensions.rb`, whose transcript the
//!   system's Ruby gives natively;
//! - Ruby's own tests for those extensions, with Ruby's test runner (ports/ruby/test);
//! - a third-party extension built by `bin/rbwasi-build-ext` (tests/ruby/ext/wasidemo), against
//!   a native build of the same extension run by the system's Ruby;
//! - corrupt, missing and unresolvable extensions raise LoadError with dlerror's text.

mod support;
use std::path::PathBuf;
use std::process::Command;
use support::{root, Run, Scratch};

const HOSTS: [(&str, bool); 2] = [("reference host", false), ("wasmtime", true)];

/// Runs `bin/ruby-wasi [--wasmtime] ARGS` in the scratch directory (the guest sees only the
/// current directory).
fn ruby_wasi(s: &Scratch, wasmtime: bool, args: &[&str]) -> Run {
    let mut cmd = Command::new(root().join("bin/ruby-wasi"));
    if wasmtime {
        cmd.arg("--wasmtime");
    }
    Run(cmd.args(args).current_dir(s.path("")).output().expect("run bin/ruby-wasi"))
}

/// `ruby_wasi` on both hosts, each checked against the transcript `tests/ruby/<expected>`.
fn expect_on_both_hosts(s: &Scratch, args: &[&str], expected_file: &str) {
    for (host, wasmtime) in HOSTS {
        if let Err(e) = ruby_wasi(s, wasmtime, args).check(&expected(expected_file)) {
            panic!("{host}: {e}");
        }
    }
}

/// `bin/rbwasi-build-ext tests/ruby/ext/<name> --outdir <scratch>/<outdir>`.
fn build_ext(s: &Scratch, name: &str, outdir: &str) {
    let built = Command::new(root().join("bin/rbwasi-build-ext"))
        .arg(root().join("tests/ruby/ext").join(name))
        .args(["--outdir", s.path(outdir).to_str().unwrap()])
        .output()
        .unwrap();
    assert!(built.status.success(), "rbwasi-build-ext {name}: {}", String::from_utf8_lossy(&built.stderr));
}

/// Copies `tests/ruby/<script>` into the scratch directory.
fn script(s: &Scratch, name: &str) {
    std::fs::copy(root().join("tests/ruby").join(name), s.path(name)).unwrap();
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/ruby").join(name)).unwrap()
}

/// `cp -r FROM TO` (TO's parent is created).
fn copy_tree(from: &PathBuf, to: &PathBuf) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let ok = Command::new("cp").arg("-r").arg(from).arg(to).status().unwrap().success();
    assert!(ok, "cp -r {} {}", from.display(), to.display());
}

/// The Ruby build (ports/ruby/build prints its directory; built and cached on first use).
fn ruby_build() -> PathBuf {
    let out = Command::new(root().join("ports/ruby/build")).output().expect("ports/ruby/build");
    assert!(out.status.success(), "ports/ruby/build failed:\n{}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
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
    script(&s, "extensions.rb");
    expect_on_both_hosts(&s, &["extensions.rb"], "extensions.expected");
}

/// Ruby's own tests of the dynamically loaded extensions, run by Ruby's test runner inside the
/// wasm Ruby. What WASI cannot run (subprocesses, threads) is excluded in
/// ports/ruby/test/excludes, each with its reason; everything else must pass, and every test
/// file must load (the runner only warns when one does not).
#[test]
fn rubys_own_extension_tests() {
    // Test counts with the exclusions removed: stringio 87, strscan 112, json 105, digest 98,
    // date 137.
    const TESTS: usize = 87 + 112 + 105 + 98 + 137;
    let build = ruby_build();
    let src = build.join("src");
    let s = Scratch::new("ruby_own_tests");
    for dir in ["test/stringio", "test/strscan", "test/json", "test/digest", "test/date", "test/lib", "tool/lib"] {
        copy_tree(&src.join(dir), &s.path(dir));
    }
    std::fs::create_dir_all(s.path("test/ruby")).unwrap();
    std::fs::copy(src.join("test/ruby/ut_eof.rb"), s.path("test/ruby/ut_eof.rb")).unwrap();
    copy_tree(&root().join("ports/ruby/test"), &s.path("wasi"));
    let args = ["-I", "tool/lib", "wasi/runner.rb", "-X", "wasi/excludes", "--tty=no"];
    let suites = ["test/stringio", "test/strscan", "test/json", "test/digest", "test/date"];
    for (host, wasmtime) in HOSTS {
        let run = ruby_wasi(&s, wasmtime, &[&args[..], &suites[..]].concat());
        let (out, err) = (run.stdout(), run.stderr());
        let summary = format!("{TESTS} tests, ");
        assert!(
            run.0.status.success() && out.contains(&summary) && out.contains(" 0 failures, 0 errors, 0 skips"),
            "{host}: Ruby's tests did not all pass (expected {TESTS} tests):\n--- stdout\n{out}\n--- stderr\n{err}"
        );
        assert!(!out.contains("cannot load such file") && !err.contains("cannot load such file"), "{host}: {out}{err}");
    }
}

/// A third-party extension: bin/rbwasi-build-ext builds tests/ruby/ext/wasidemo with the
/// target's rbconfig; `bin/ruby-wasi -I DIR` loads it (bundles it, on wasmtime) and gives the
/// transcript the system's Ruby gives with a native build of the same source.
#[test]
fn third_party_extension_built_and_loaded() {
    let s = Scratch::new("ruby_demo");
    copy_tree(&root().join("tests/ruby/ext/wasidemo"), &s.path("native"));
    for cmd in [vec!["ruby", "extconf.rb"], vec!["make"]] {
        let out = Command::new(cmd[0]).args(&cmd[1..]).current_dir(s.path("native")).output().unwrap();
        assert!(out.status.success(), "native {cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    script(&s, "demo.rb");
    let native = Command::new("ruby").args(["-I", "native", "demo.rb"]).current_dir(s.path("")).output().unwrap();
    Run(native).expect(&expected("demo.expected"));

    build_ext(&s, "wasidemo", "wasm");
    assert!(s.path("wasm/wasidemo.so").is_file());
    // (wasm: a relative -I; bin/ruby-wasi mounts an absolute or outside one.)
    expect_on_both_hosts(&s, &["-I", "wasm", "demo.rb"], "demo.expected");
}

/// Corrupt, non-wasm, missing and unresolvable extensions raise LoadError with libdl's dlerror
/// text and the interpreter goes on. In link-time mode only bundled libraries open: the files
/// the script writes are not (their error says so), and one with an unresolved symbol could
/// not be bundled at all, so there it is only a file the bundle lacks.
#[test]
fn bad_extensions_raise_load_error() {
    let s = Scratch::new("ruby_badext");
    build_ext(&s, "unresolved", "");
    script(&s, "badext.rb");
    ruby_wasi(&s, false, &["badext.rb"]).expect(&expected("badext.expected"));
    ruby_wasi(&s, true, &["badext.rb"]).expect(&expected("badext.wasmtime.expected"));
}
