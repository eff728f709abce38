//! `scripts/install-sysroot` on a copy of the Debian wasi-libc sysroot: afterwards plain
//! clang-19 (no wrapper), with the documented flags, builds a program whose `dlopen` works.

mod support;
use std::process::Command;
use support::{expected, root, Scratch};

#[test]
fn plain_clang_with_the_installed_sysroot() {
    let s = Scratch::new("sysroot");
    let env = std::fs::read_to_string(root().join("share/toolchain.env")).unwrap();
    let version = env.lines().find_map(|l| l.strip_prefix("WASI_LIBC_VERSION=")).expect("WASI_LIBC_VERSION");
    let debian = root().join(format!(".toolchain/wasi-libc-{version}/usr"));
    assert!(debian.join("lib/wasm32-wasip2/libc.a").is_file(), "{} missing (run scripts/setup)", debian.display());
    let sysroot = s.path("sysroot");
    assert!(Command::new("cp").arg("-r").arg(&debian).arg(&sysroot).status().unwrap().success());
    let stub = std::fs::read(sysroot.join("lib/wasm32-wasip2/libdl.a")).unwrap();

    let out = Command::new(root().join("scripts/install-sysroot")).arg(&sysroot).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let installed = std::fs::read(sysroot.join("lib/wasm32-wasip2/libdl.a")).unwrap();
    assert_ne!(installed, stub, "the stub libdl.a is replaced");
    assert!(sysroot.join("include/wasm32-wasip2/dlfcn.h").is_file());

    // The side module with the wrapper (side modules need wasm-ld's PIC flags); the program
    // with clang-19 alone. clang-19 drives wasm-component-ld, which Rust's toolchain ships.
    s.side_module("libbasic.c", "libbasic.so", &[]);
    let sysroot_s = sysroot.to_str().unwrap();
    let rust_sysroot = Command::new("rustc").args(["--print", "sysroot"]).current_dir(root()).output().unwrap();
    let rust_sysroot = String::from_utf8(rust_sysroot.stdout).unwrap();
    let host = Command::new("rustc").arg("-vV").output().unwrap();
    let host = String::from_utf8(host.stdout).unwrap();
    let host = host.lines().find_map(|l| l.strip_prefix("host: ")).unwrap().to_owned();
    let rust_bin = format!("{}/lib/rustlib/{host}/bin", rust_sysroot.trim());
    let path = format!("{rust_bin}:{}", std::env::var("PATH").unwrap());
    let out = Command::new("clang-19")
        .args(["--target=wasm32-wasip2", &format!("--sysroot={sysroot_s}")])
        .arg(format!("-resource-dir={sysroot_s}/lib/clang-resource"))
        .arg(format!("-I{}", root().join("tests/c").display()))
        .args(["-O1", support::source("basic.c").to_str().unwrap(), "-o", "basic.wasm", "-ldl"])
        .arg(format!("@{sysroot_s}/share/wasm32-wasip2/libdl-host.rsp"))
        .env("PATH", path)
        .current_dir(&s.dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "clang-19: {}", String::from_utf8_lossy(&out.stderr));
    s.run("basic.wasm", &[], &[]).expect(&expected("basic.expected"));
}
