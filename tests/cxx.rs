//! C++ across `dlopen` with `bin/wasm32-wasip2-clang++` (Debian's libc++, one per process:
//! the program's): virtual calls both ways, typeid and dynamic_cast agreeing between the
//! program and a plugin, standard library objects passed across, the plugin's static
//! constructors at `dlopen` and destructors at `dlclose`. The transcript is glibc's and
//! libstdc++'s (the same sources built natively), on the reference host. C++ exceptions and
//! link-time mode are refused with a clear message (docs/toolchain.md says why).

mod support;
use std::process::Command;
use support::{expected_in, source_in, Scratch};

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

#[test]
fn exceptions_and_link_time_mode_are_refused_clearly() {
    let s = Scratch::new("cxx_refused");
    let program = source_in("cxx", "shapes.cpp");
    let out = Command::new(support::root().join("bin/wasm32-wasip2-clang++"))
        .args(["-fexceptions", "-c", program.to_str().unwrap(), "-o", "x.o"])
        .current_dir(s.path("."))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("C++ exceptions are not available"), "{err}");
    let out = s.link_output(&["-o", "x.wasm", program.to_str().unwrap(), "-ldl"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("C++") && err.contains("PIC"), "{err}");
}
