//! CPython 3.14 (the WASI build scripts/extract-cpython takes from componentize-py) importing
//! a C extension module through this libdl.
//!
//! `demo/python/python.c` (a main calling `Py_BytesMain`) is linked by `bin/wasm32-wasip2-link`
//! with `libpython3.14.so`, `-ldl` (the link-time-only libdl) and the extension `hello.so`
//! bundled dl-openable. On stock wasmtime and on jco, `import hello` finds it in the link-time
//! table. A second component uses `build/lib/libdl.so` (table + runtime loader) and bundles
//! `libpython3.14.so` dl-openable too, so on jco an extension that is only a file is loaded
//! at run time.
//!
//! Skipped, with a message, only when `build/cpython/lib` is missing (`scripts/setup` creates
//! it). The components are built once per test binary; `bin/dlrun` caches their compilation.

mod support;
use std::process::Command;
use std::sync::OnceLock;
use support::{root, Host, Run, Scratch};

struct Python {
    s: Scratch,
}

/// Builds everything once. A missing prerequisite fails the test (a test that skips is a test
/// that cannot fail): `scripts/setup` extracts the libraries.
fn python() -> &'static Python {
    static PYTHON: OnceLock<Python> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let lib = root().join("build/cpython/lib");
        assert!(
            lib.join("libpython3.14.so").is_file(),
            "the CPython tests need {} (run scripts/setup or scripts/extract-cpython)",
            lib.display()
        );
        build()
    })
}

fn demo(rel: &str) -> String {
    root().join("demo/python").join(rel).to_str().unwrap().to_owned()
}

fn build() -> Python {
    let s = Scratch::new("cpython");
    let libpython = root().join("build/cpython/lib/libpython3.14.so");
    let libpython = libpython.to_str().unwrap();
    // Extension modules: hello.so is bundled; notbundled.so only exists as a file.
    s.cc(&["-O2", "-fPIC", "-shared", &demo("hello.c"), "-o", "hello.so"]);
    s.cc(&["-O2", "-fPIC", "-shared", "-DMODULE=notbundled", &demo("hello.c"), "-o", "notbundled.so"]);
    s.link(&["-O2", "-o", "python.wasm", &demo("python.c"), libpython, "-ldl", "--dl-openable", "hello.so"]);
    let full_libdl = root().join("build/lib/libdl.so");
    s.link(&[
        "-O2",
        "-o",
        "python-rt.wasm",
        &demo("python.c"),
        libpython,
        "-ldl",
        "--libdl",
        full_libdl.to_str().unwrap(),
        "--dl-openable",
        "hello.so",
        "--dl-openable",
        libpython,
    ]);
    // The guest sees only its current directory: give it the standard library there
    // (hard links; a copy where they are not possible). PYTHONHOME=/ finds it.
    std::fs::create_dir_all(s.path("lib")).unwrap();
    let stdlib = root().join("build/cpython/lib/python3.14");
    let linked = Command::new("cp").arg("-al").arg(&stdlib).arg(s.path("lib")).status();
    if !matches!(linked, Ok(st) if st.success()) {
        let _ = std::fs::remove_dir_all(s.path("lib/python3.14"));
        let st = Command::new("cp").arg("-r").arg(&stdlib).arg(s.path("lib")).status().unwrap();
        assert!(st.success(), "copying the standard library failed");
    }
    for wasm in ["python.wasm", "python-rt.wasm"] {
        let size = std::fs::metadata(s.path(wasm)).unwrap().len();
        eprintln!("{wasm}: {size} bytes");
    }
    Python { s }
}

impl Python {
    /// `python -c CODE` on `host`.
    fn run(&self, host: Host, wasm: &str, code: &str) -> Run {
        self.s.run_on(
            host,
            wasm,
            &["-c", code],
            &[("PYTHONHOME", "/"), ("PYTHON_COLORS", "0"), ("PYTHONDONTWRITEBYTECODE", "1")],
        )
    }

    /// Runs `code`, which must succeed and print exactly `expected`.
    fn expect(&self, host: Host, wasm: &str, code: &str, expected: &str) {
        let t = std::time::Instant::now();
        let run = self.run(host, wasm, code);
        eprintln!("{} {wasm} -c {code:?}: {:.1?}", host.name(), t.elapsed());
        if let Err(e) = run.check(expected) {
            panic!("on {}: python -c {code:?}: {e}", host.name());
        }
    }
}

/// What the tests check on every host that runs `python.wasm`.
fn import_call_and_errors(py: &Python, host: Host) {
    // The demo, exactly as the README shows it.
    py.expect(host, "python.wasm", "import hello; print(hello.f(2))", "42");
    // The second function takes any object and returns a new one; errors are exceptions.
    py.expect(
        host,
        "python.wasm",
        "import hello\n\
         print(hello.greet('world'), hello.greet([1, 2]), hello.f(-5), hello.__file__)\n\
         try:\n    hello.f('x')\n\
         except TypeError as e:\n    print('TypeError:', e)",
        "hello, world! hello, [1, 2]! -105 /hello.so\n\
         TypeError: 'str' object cannot be interpreted as an integer",
    );
    // A module that does not exist, and one whose file exists but is not bundled (dlopen
    // fails; its dlerror becomes the ImportError's message).
    py.expect(
        host,
        "python.wasm",
        "for name in ('no_such_extension', 'notbundled'):\n\
         \x20   try:\n        __import__(name)\n\
         \x20   except ImportError as e:\n        print(type(e).__name__ + ':', e)",
        "ModuleNotFoundError: No module named 'no_such_extension'\n\
         ImportError: /notbundled.so: cannot open shared object file: No such file or directory",
    );
    // Uncaught, it is a traceback on stderr and exit status 1.
    let run = py.run(host, "python.wasm", "import no_such_extension");
    assert!(!run.0.status.success(), "on {}: import of a missing module succeeded", host.name());
    assert!(
        run.stderr().contains("ModuleNotFoundError: No module named 'no_such_extension'"),
        "on {}: stderr: {}",
        host.name(),
        run.stderr()
    );
}

#[test]
fn wasmtime_imports_bundled_extension() {
    let py = python();
    import_call_and_errors(py, Host::Wasmtime);
}

#[test]
fn jco_imports_bundled_extension() {
    let py = python();
    import_call_and_errors(py, Host::Jco);
}

#[test]
fn jco_loads_extension_file_at_run_time() {
    let py = python();
    py.expect(
        Host::Jco,
        "python-rt.wasm",
        "import hello, notbundled\n\
         print(hello.f(2), notbundled.f(3), notbundled.greet('run time'), notbundled.__file__)",
        "42 63 hello, run time! /notbundled.so",
    );
}
