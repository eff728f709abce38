//! Checks the libraries `scripts/build-libdl` produces (it is run once first, as the other
//! tool-level tests do; nothing else is built): `libdl.so` and `linktime-only/libdl.so` are
//! `dylink.0` side modules exporting exactly the C API, only the full one imports
//! `wasi:module-loader`, both stay within a size budget, and `libdl.a` defines the C API.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

/// Size budgets for the stripped side modules, in bytes. Stripped as `bin/bench` reports it:
/// `wasm-tools strip` (debug info, producers, ...) and then the `name` section too; the
/// `dylink.0` and `component-type` sections stay. These are budgets to catch code-size
/// regressions (a `core::fmt` or `sort` instantiation creeping back in costs several KiB), not
/// a speed test. Issue 4's target for `libdl.so` was 32 KiB, met with 26 bytes to spare before
/// issue 11 (which asks for a proposal when its additions do not fit): `dladdr`, `dladdr1` and
/// `dlinfo` cost about 4.1 KiB in each file, and link-time parity (the program's startup
/// objects, NEEDED scopes and GOT slots from the link description) about 3.2 KiB more. The
/// budgets proposed in its note are 40 KiB and 28 KiB. Issue 12's C++ support (link-time
/// constructors run at `dlopen`, libraries the program provides, exception tags bound to a
/// library's instance) first took 2.2 KiB and was brought back to 40,959 bytes, 1 under.
const LIBDL_SO_BUDGET: usize = 40 * 1024;
const LINKTIME_ONLY_SO_BUDGET: usize = 28 * 1024;

/// What both side modules export: the C API and the linker plumbing wasm-ld adds to every
/// side module.
const EXPORTS: [&str; 10] = [
    "__wasm_apply_data_relocs",
    "__wasm_call_ctors",
    "__wasm_libdl_dlsym_from",
    "dladdr",
    "dladdr1",
    "dlclose",
    "dlerror",
    "dlinfo",
    "dlopen",
    "dlsym",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn built(rel: &str) -> PathBuf {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let st = Command::new(root().join("scripts/build-libdl")).status().expect("run build-libdl");
        assert!(st.success(), "scripts/build-libdl failed");
    });
    root().join("build/lib").join(rel)
}

/// Runs `program args...` and returns its stdout; fails the test on a non-zero exit.
fn run(program: &str, args: &[&str], stdin: Option<&[u8]>) -> Vec<u8> {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// `scripts/dylink.py exports|imports LIB`, one name per line.
fn dylink_py(what: &str, lib: &Path) -> Vec<String> {
    let script = root().join("scripts/dylink.py");
    let out = run("python3", &[script.to_str().unwrap(), what, lib.to_str().unwrap()], None);
    String::from_utf8(out).unwrap().lines().map(String::from).collect()
}

fn stripped_size(lib: &Path) -> usize {
    let s = run("wasm-tools", &["strip", lib.to_str().unwrap()], None);
    run("wasm-tools", &["strip", "-d", "^name$"], Some(&s)).len()
}

/// The first section of a side module must be the `dylink.0` custom section.
fn assert_side_module(lib: &Path) {
    let bytes = std::fs::read(lib).unwrap();
    assert_eq!(&bytes[..8], b"\0asm\x01\0\0\0", "{}: not a core wasm module", lib.display());
    assert_eq!(bytes[8], 0, "{}: first section is not a custom section", lib.display());
    // Skip the section size (LEB128); the custom section's name follows.
    let name_at = 9 + bytes[9..].iter().position(|b| b & 0x80 == 0).unwrap() + 1;
    assert_eq!(&bytes[name_at..name_at + 9], b"\x08dylink.0", "{}: first section is not dylink.0", lib.display());
}

fn check_side_module(rel: &str, budget: usize, wants_loader: bool) {
    let lib = built(rel);
    assert_side_module(&lib);

    let mut exports = dylink_py("exports", &lib);
    exports.sort();
    assert_eq!(exports, EXPORTS, "{rel}: exports");

    let loader_imports: Vec<String> =
        dylink_py("imports", &lib).into_iter().filter(|i| i.starts_with("wasi:module-loader/")).collect();
    if wants_loader {
        assert!(!loader_imports.is_empty(), "{rel}: imports nothing from wasi:module-loader");
    } else {
        assert_eq!(loader_imports, Vec::<String>::new(), "{rel}: must not import wasi:module-loader");
    }

    let size = stripped_size(&lib);
    eprintln!("{rel}: {size} bytes stripped (budget {budget})");
    assert!(size <= budget, "{rel}: {size} bytes stripped, over the {budget}-byte budget");
}

#[test]
fn full_libdl_so_exports_the_c_api_and_imports_the_loader() {
    check_side_module("libdl.so", LIBDL_SO_BUDGET, true);
}

#[test]
fn linktime_only_libdl_so_exports_the_c_api_and_imports_no_loader() {
    check_side_module("linktime-only/libdl.so", LINKTIME_ONLY_SO_BUDGET, false);
}

#[test]
fn libdl_a_defines_the_c_api() {
    let lib = built("libdl.a");
    let nm = ["llvm-nm-19", "llvm-nm"]
        .into_iter()
        .find(|nm| Command::new(nm).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("llvm-nm-19 or llvm-nm on PATH");
    let out = run(nm, &["--defined-only", "--extern-only", lib.to_str().unwrap()], None);
    let out = String::from_utf8(out).unwrap();
    // Lines look like `0000001a T dlopen`.
    for sym in ["dlopen", "dlsym", "dlclose", "dlerror", "__wasm_libdl_dlsym_from"] {
        let defined = out.lines().any(|l| {
            let mut f = l.split_whitespace().rev();
            f.next() == Some(sym) && f.next() == Some("T")
        });
        assert!(defined, "libdl.a does not define {sym}");
    }
}
