//! C++ across `dlopen` with `bin/wasm32-wasip2-clang++` (Debian's libc++, one per process:
//! the program's): virtual calls both ways, typeid and dynamic_cast agreeing between the
//! program and a plugin, standard library objects passed across, the plugin's static
//! constructors at `dlopen` and destructors at `dlclose`. The transcript is glibc's and
//! libstdc++'s (the same sources built natively), on the reference host. C++ exceptions and
//! link-time mode are refused with a clear message (docs/toolchain.md says why).

mod support;
use std::process::Command;
use support::{expected_in, source_in, Scratch};

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
    std::fs::create_dir_all(&native).unwrap();
    let cxx = |args: &[&str]| {
        let out = Command::new("c++").args(args).current_dir(&native).output().expect("run c++");
        assert!(out.status.success(), "c++ {args:?}:\n{}", String::from_utf8_lossy(&out.stderr));
    };
    cxx(&["-O1", "-std=c++17", "-fno-gnu-unique", "-shared", "-fPIC", plugin, "-o", "libshapes.so"]);
    cxx(&["-O1", "-std=c++17", program, "-o", "shapes", "-ldl"]);
    let run = Command::new(native.join("shapes")).current_dir(&native).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected, "the native transcript");

    s.cxx(&["-O1", "-std=c++17", "-fPIC", "-shared", plugin, "-o", "libshapes.so"]);
    s.cxx(&["-O1", "-std=c++17", program, "-o", "shapes.wasm", "-ldl"]);
    s.run("shapes.wasm", &[], &[]).expect(&expected);
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
