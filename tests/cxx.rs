//! C++ across `dlopen` with `bin/wasm32-wasip2-clang++` (libc++ from ports/libcxx, one per
//! process: the program's): virtual calls both ways, typeid and dynamic_cast agreeing between the
//! program and a plugin, standard library objects passed across, the plugin's static
//! constructors at `dlopen` and destructors at `dlclose`, and exceptions both ways, in runtime
//! mode (both hosts) and link-time mode. The transcripts are glibc's and libstdc++'s (the same
//! sources built natively).

mod support;
use std::process::Command;
use support::{expected_in, source_in, Host, Scratch};

/// Runs the system's C++ compiler (g++) in `dir` (created if needed); panics if it fails.
fn native_cxx(dir: &std::path::Path, args: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    let out = Command::new("c++").args(args).current_dir(dir).output().expect("run c++");
    assert!(out.status.success(), "c++ {args:?}:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn classes_typeinfo_and_the_standard_library_across_dlopen() {
    let s = Scratch::new("cxx_shapes");
    let expected = expected_in("cxx", "shapes.expected");
    let (plugin, program) = (source_in("cxx", "libshapes.cpp"), source_in("cxx", "shapes.cpp"));
    let (plugin, program) = (plugin.to_str().unwrap(), program.to_str().unwrap());

    // Natively (g++ and glibc). -fno-gnu-unique: g++ marks the plugin's inline statics
    // STB_GNU_UNIQUE, which makes glibc keep it loaded at dlclose; clang and libc++ (ours)
    // do not, and neither does g++ with this flag.
    let native = s.path("native");
    let cxx = |args: &[&str]| native_cxx(&native, args);
    cxx(&["-O1", "-std=c++17", "-fno-gnu-unique", "-shared", "-fPIC", plugin, "-o", "libshapes.so"]);
    cxx(&["-O1", "-std=c++17", program, "-o", "shapes", "-ldl"]);
    let run = Command::new(native.join("shapes")).current_dir(&native).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected, "the native transcript");

    s.cxx(&["-O1", "-std=c++17", "-fPIC", "-shared", plugin, "-o", "libshapes.so"]);
    s.cxx(&["-O1", "-std=c++17", program, "-o", "shapes.wasm", "-ldl"]);
    s.run("shapes.wasm", &[], &[]).expect(&expected);
}

/// The same in link-time mode, on both hosts: the plugin's static constructors run at its
/// first `dlopen` (after the program's, which set up `std::cout`), as in runtime mode; its
/// destructors at exit, since a bundled library is never unloaded (docs/linktime.md). The
/// transcript is the native one with that one line moved.
#[test]
fn classes_typeinfo_and_the_standard_library_in_link_time_mode() {
    let s = Scratch::new("cxx_shapes_lt");
    let native = expected_in("cxx", "shapes.expected");
    let dtor = "plugin: static destructor\n";
    assert!(native.contains(dtor));
    let expected = native.replace(dtor, "") + dtor;
    let (plugin, program) = (source_in("cxx", "libshapes.cpp"), source_in("cxx", "shapes.cpp"));
    s.cxx(&["-O1", "-std=c++17", "-fPIC", "-shared", plugin.to_str().unwrap(), "-o", "libshapes.so"]);
    s.link(&[
        "-O1",
        "-std=c++17",
        "-o",
        "shapes.wasm",
        program.to_str().unwrap(),
        "-ldl",
        "--dl-openable",
        "libshapes.so",
    ]);
    s.expect_on_all_hosts("shapes.wasm", &[], &[], &expected);
}

/// A C program loading a C++ plugin: the plugin lists `libc++.so` as NEEDED and the program,
/// having no libc++ of its own, loads ports/libcxx's (from `LD_LIBRARY_PATH` here), whose
/// exception tag the plugin's throws and catches use (`instance-export` in the WIT). Runtime
/// mode on both hosts, link-time mode (`libc++.so` bundled) on both; built with exceptions
/// and without. The transcript is the native one (gcc, g++, glibc).
#[test]
fn a_c_program_loads_a_cxx_plugin_with_its_libcxx() {
    let s = Scratch::new("cxx_chost");
    let expected = expected_in("cxx", "chost.expected");
    let (plugin, program) = (source_in("cxx", "libcplug.cpp"), source_in("cxx", "chost.c"));
    let (plugin, program) = (plugin.to_str().unwrap(), program.to_str().unwrap());
    std::fs::create_dir_all(s.path("lib")).unwrap();
    std::fs::copy(support::root().join(".toolchain/libcxx/lib/shared/libc++.so"), s.path("lib/libc++.so")).unwrap();
    let env = [("LD_LIBRARY_PATH", "lib")];
    native_cxx(&s.path("native"), &["-O1", "-shared", "-fPIC", plugin, "-o", "libcplug.so"]);
    s.native("cxx", "chost.c", "chost");
    assert_eq!(s.run_native("chost").stdout(), expected, "the native transcript");

    s.cc(&["-O1", program, "-o", "chost.wasm", "-ldl"]);
    for exceptions in ["-fexceptions", "-fno-exceptions"] {
        s.cxx(&["-O1", exceptions, "-fPIC", "-shared", plugin, "-o", "libcplug.so"]);
        s.run("chost.wasm", &[], &env).expect(&expected);
        s.link(&["-O1", "-o", "chost-lt.wasm", program, "-ldl", "--dl-openable", "libcplug.so"]);
        s.expect_on_all_hosts("chost-lt.wasm", &[], &[], &expected);
    }
    let missing = s.run_on(Host::Jco, "chost.wasm", &[], &[]);
    assert!(missing.stdout().contains("libc++.so: cannot open shared object file"), "{}", missing.stdout());
}

/// `dlsym(RTLD_NEXT, ...)` called from C++ code knows which module is asking (the header's
/// `dlsym` macro passes `&__dso_handle` in C++ as in C): from a plugin it skips the plugin's
/// own definition and finds its dependency's, as glibc does.
#[test]
fn rtld_next_from_cxx_knows_its_caller() {
    let s = Scratch::new("cxx_next");
    let expected = expected_in("cxx", "next.expected");
    let (lib, program) = (source_in("cxx", "libwhich.cpp"), source_in("cxx", "next.cpp"));
    let (lib, program) = (lib.to_str().unwrap(), program.to_str().unwrap());
    let native = s.path("native");
    let cxx = |args: &[&str]| native_cxx(&native, args);
    cxx(&["-O1", "-shared", "-fPIC", "-DWHICH=3", lib, "-o", "libwhich3.so"]);
    // --no-as-needed: libwhich2 uses nothing of libwhich3, but must still depend on it.
    cxx(&[
        "-O1",
        "-shared",
        "-fPIC",
        "-DWHICH=2",
        lib,
        "-o",
        "libwhich2.so",
        "-L.",
        "-Wl,--no-as-needed",
        "-lwhich3",
        "-Wl,-rpath,$ORIGIN",
    ]);
    cxx(&["-O1", "-rdynamic", program, "-o", "next", "-ldl"]);
    let run = Command::new(native.join("next")).current_dir(&native).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected, "the native transcript");

    s.cxx(&["-O1", "-fPIC", "-shared", "-DWHICH=3", lib, "-o", "libwhich3.so"]);
    s.cxx(&["-O1", "-fPIC", "-shared", "-DWHICH=2", lib, "-o", "libwhich2.so", "-L.", "-lwhich3"]);
    s.cxx(&["-O1", program, "-o", "next.wasm", "-ldl"]);
    s.run("next.wasm", &[], &[]).expect(&expected);
}

/// A scratch directory with `tests/c/cxx/libthrow.cpp` built as `libthrow.so`, the path of
/// `throws.cpp` (the program, for the caller to link) and the program's native transcript
/// (the same sources built with g++ and libstdc++, in `native/`).
fn throws_setup(name: &str) -> (Scratch, String, String) {
    let s = Scratch::new(name);
    let (plugin, program) = (source_in("cxx", "libthrow.cpp"), source_in("cxx", "throws.cpp"));
    let (plugin, program) = (plugin.to_str().unwrap(), program.to_str().unwrap().to_owned());
    let tests_c = format!("-I{}", support::root().join("tests/c").display());
    let native = s.path("native");
    let cxx = |args: &[&str]| native_cxx(&native, args);
    cxx(&["-O1", &tests_c, "-shared", "-fPIC", plugin, "-o", "libthrow.so"]);
    cxx(&["-O1", &tests_c, &program, "-o", "throws", "-ldl"]);
    let run = s.run_native("throws");
    assert!(run.0.status.success(), "the native program failed: {}", run.0.status);
    s.cxx(&["-O1", "-fPIC", "-shared", plugin, "-o", "libthrow.so"]);
    (s, program, run.stdout())
}

/// Asserts that `throws.wasm uncaught` ended through std::terminate with libc++abi's message.
fn expect_terminated(run: &support::Run, host: &str) {
    assert!(!run.0.status.success(), "{host}: an uncaught exception exited 0");
    assert_eq!(run.stdout().trim_end(), "main: not catching", "{host}");
    let msg = "libc++abi: terminating due to uncaught exception of type std::runtime_error: \
               runtime_error from the plugin";
    assert!(run.stderr().contains(msg), "{host}: no terminate message in:\n{}", run.stderr());
}

/// C++ exceptions across a dlopen, in runtime mode on both hosts: thrown in the plugin and
/// caught in the program, thrown by libc++ for the plugin, thrown by the program through the
/// plugin's frames (their destructors run), caught and rethrown in the plugin, carried as an
/// exception_ptr. The transcript is the native one (g++, libstdc++, glibc).
#[test]
fn exceptions_cross_a_dlopen_both_ways() {
    let (s, program, expected) = throws_setup("cxx_throws");
    s.cxx(&["-O1", &program, "-o", "throws.wasm", "-ldl"]);
    s.run("throws.wasm", &[], &[]).expect(&expected);
    for host in [Host::Jco, Host::WasmtimeRt] {
        expect_terminated(&s.run_on(host, "throws.wasm", &["uncaught"], &[]), host.name());
    }
}

/// The same program in link-time mode (`bin/wasm32-wasip2-link`, the plugin bundled), on
/// both hosts: C++ there needs the PIC libc++ of ports/libcxx, linked whole into the program.
#[test]
fn exceptions_cross_libraries_in_link_time_mode() {
    let (s, program, expected) = throws_setup("cxx_throws_lt");
    s.link(&["-O1", "-o", "throws.wasm", &program, "-ldl", "--dl-openable", "libthrow.so"]);
    s.expect_on_all_hosts("throws.wasm", &[], &[], &expected);
    for host in Host::ALL {
        expect_terminated(&s.run_on(host, "throws.wasm", &["uncaught"], &[]), host.name());
    }
}

/// `-fno-exceptions` still builds (exceptions are on by default), and such a plugin runs in a
/// program that has them.
#[test]
fn a_plugin_without_exceptions_loads_into_a_program_with_them() {
    let s = Scratch::new("cxx_noexc");
    let expected = expected_in("cxx", "shapes.expected");
    let (plugin, program) = (source_in("cxx", "libshapes.cpp"), source_in("cxx", "shapes.cpp"));
    s.cxx(&[
        "-O1",
        "-std=c++17",
        "-fno-exceptions",
        "-fPIC",
        "-shared",
        plugin.to_str().unwrap(),
        "-o",
        "libshapes.so",
    ]);
    s.cxx(&["-O1", "-std=c++17", program.to_str().unwrap(), "-o", "shapes.wasm", "-ldl"]);
    s.run("shapes.wasm", &[], &[]).expect(&expected);
}
