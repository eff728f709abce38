//! CPython 3.13 built from source with this libdl (`ports/cpython/build`, run through
//! `bin/python-wasi`): the standard library's extension modules load through `dlopen`,
//! CPython's own regression tests for them pass inside `python.wasm`, a C++ extension module
//! imports, and extension modules that cannot load raise ImportError with libdl's `dlerror`
//! text. A missing build is built (minutes, cached), never skipped.

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{root, Scratch};

/// The install prefix, built first if needed.
fn prefix() -> PathBuf {
    let out = Command::new(root().join("ports/cpython/build")).output().expect("run ports/cpython/build");
    assert!(out.status.success(), "ports/cpython/build failed:\n{}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// `bin/python-wasi [--wasmtime] args...` in `dir`.
fn python(dir: &Path, wasmtime: bool, args: &[&str]) -> Output {
    let mut cmd = Command::new(root().join("bin/python-wasi"));
    if wasmtime {
        cmd.arg("--wasmtime");
    }
    cmd.args(args).current_dir(dir).output().expect("run bin/python-wasi")
}

fn text(out: &Output) -> String {
    format!("--- stdout\n{}--- stderr\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A scratch directory holding the test scripts of `tests/python/`.
fn scratch(name: &str) -> Scratch {
    let s = Scratch::new(name);
    for f in ["import_all.py", "badext.py"] {
        std::fs::copy(root().join("tests/python").join(f), s.path(f)).unwrap();
    }
    s
}

/// Every lib-dynload module imports (each a `dlopen` on the reference host, a bundled library
/// on wasmtime), then CPython's own regression tests for the modules that come from there
/// (_json, _struct, math, _datetime, _csv, array) pass; -q prints failures only.
fn import_all_and_regrtest(name: &str, wasmtime: bool) {
    prefix();
    let s = scratch(name);
    let out = python(&s.dir, wasmtime, &["import_all.py"]);
    let t = text(&out);
    assert!(out.status.success() && t.contains("imported from lib-dynload, 0 failed"), "{t}");
    let tests = ["test_json", "test_struct", "test_math", "test_datetime", "test_csv", "test_array"];
    let out = python(&s.dir, wasmtime, &[&["-m", "test", "-q"][..], &tests].concat());
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("Result: SUCCESS") && t.contains("Total test files: run=6/6"), "{t}");
}

#[test]
fn dynamic_modules_and_their_regression_tests_on_the_reference_host() {
    import_all_and_regrtest("python_regrtest", false);
}

#[test]
fn bundled_modules_and_their_regression_tests_on_wasmtime() {
    import_all_and_regrtest("python_regrtest_wasmtime", true);
}

#[test]
fn extension_that_cannot_load_raises_import_error() {
    let prefix = prefix();
    let s = scratch("python_badext");
    let include = format!("-I{}", prefix.join("include/python3.13").display());
    let src = root().join("tests/python/badext.c");
    for (define, module) in [("-DMISSING_SYMBOL", "missing"), ("-DNO_INIT", "noinit")] {
        let out = format!("{module}.cpython-313-wasm32-wasi.so");
        s.cc(&["-O2", "-fPIC", "-shared", &include, define, src.to_str().unwrap(), "-o", &out]);
    }
    s.write("corrupt.cpython-313-wasm32-wasi.so", b"not wasm at all");
    let out = python(&s.dir, false, &["badext.py"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    for line in [
        "corrupt: ImportError: /corrupt.cpython-313-wasm32-wasi.so: not a valid WebAssembly module",
        "missing: ImportError: /missing.cpython-313-wasm32-wasi.so: undefined symbol: wasm_libdl_no_such_function (import env.wasm_libdl_no_such_function)",
        "noinit: ImportError: dynamic module does not define module export function (PyInit_noinit)",
        "still working: {\"ok\": true}",
    ] {
        assert!(t.contains(line), "missing line {line:?} in\n{t}");
    }
}

/// A C++ extension module (`tests/python/cxxext.cpp`, built with `bin/wasm32-wasip2-clang++`)
/// imports into the C interpreter, bringing ports/libcxx's `libc++.so` with it; its standard
/// library works and an exception thrown and caught in it becomes a Python IndexError.
#[test]
fn cxx_extension_module_brings_its_libcxx() {
    let prefix = prefix();
    let s = Scratch::new("python_cxxext");
    std::fs::copy(root().join("tests/python/cxxext.py"), s.path("cxxext.py")).unwrap();
    std::fs::copy(root().join(".toolchain/libcxx/lib/shared/libc++.so"), s.path("libc++.so")).unwrap();
    let include = format!("-I{}", prefix.join("include/python3.13").display());
    let src = root().join("tests/python/cxxext.cpp");
    s.cxx(&["-O2", "-fPIC", "-shared", &include, src.to_str().unwrap(), "-o", "cxxdemo.cpython-313-wasm32-wasi.so"]);
    let out = python(&s.dir, false, &["cxxext.py"]);
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let expected = "apple,fig,pear\n20\nIndexError: index out of range (std::out_of_range caught in C++)\ndone\n";
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{t}");
}

/// markupsafe from its sdist, built by `bin/pywasi-install` (its `_speedups` a side module),
/// then markupsafe's own test suite run by pytest inside `python.wasm`, on both hosts.
#[test]
fn markupsafe_from_sdist_passes_its_own_tests() {
    prefix();
    let s = scratch("python_markupsafe");
    let pins = root().join("ports/cpython/markupsafe-test.txt");
    let dl = Command::new("python3")
        .args(["-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps", "--require-hashes"])
        .args(["--no-binary", "markupsafe", "--only-binary", "pytest,iniconfig,packaging,pluggy", "-d", "."])
        .arg("-r")
        .arg(&pins)
        .current_dir(&s.dir)
        .output()
        .expect("run pip download");
    assert!(dl.status.success(), "pip download failed:\n{}", text(&dl));
    let tar = Command::new("tar").args(["xzf", "markupsafe-3.0.2.tar.gz"]).current_dir(&s.dir).status().unwrap();
    assert!(tar.success());
    let mut install = Command::new(root().join("bin/pywasi-install"));
    install.arg("markupsafe-3.0.2.tar.gz");
    for w in ["pytest-8.3.4", "iniconfig-2.0.0", "packaging-24.2", "pluggy-1.5.0"] {
        install.arg(format!("{w}-py3-none-any.whl"));
    }
    let out = install.current_dir(&s.dir).output().expect("run bin/pywasi-install");
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(t.contains("markupsafe-3.0.2-cp313-cp313-wasi_wasm32.whl"), "not a platform wheel:\n{t}");
    // (markupsafe 3's speedups module exports `_escape_inner`; `escape` is markupsafe's own.)
    let check = "import markupsafe, markupsafe._speedups as s; \
                 print(s.__file__.endswith('.so'), s._escape_inner('<x>'), markupsafe.escape('<y>'))";
    for wasmtime in [false, true] {
        let out = python(&s.dir, wasmtime, &["-c", check]);
        let t = text(&out);
        assert!(out.status.success() && t.contains("True &lt;x&gt; &lt;y&gt;"), "wasmtime={wasmtime}: {t}");
        // WASI has no dup() and no /dev/null: pytest captures at the sys level, without its
        // faulthandler and logging plugins (which dup stderr and open os.devnull).
        let pytest = [
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:faulthandler",
            "-p",
            "no:logging",
            "--capture=sys",
        ];
        let out = python(&s.dir, wasmtime, &[&pytest[..], &["markupsafe-3.0.2/tests"]].concat());
        let t = text(&out);
        assert!(out.status.success() && t.contains("78 passed"), "wasmtime={wasmtime}: {t}");
        assert!(!t.contains("failed") && !t.contains("error"), "wasmtime={wasmtime}: {t}");
    }
}
