//! A side module written in Rust (`tests/rust/plugin`: `no_std` + `alloc` over the program's
//! libc, built as a position-independent staticlib and linked by `bin/wasm32-wasip2-clang
//! -shared`), loaded by a C program in runtime mode on the reference host and bundled in
//! link-time mode on both hosts. The recipe is in docs/toolchain.md.

mod support;
use std::process::Command;
use support::{expected, root, source, Scratch};

#[test]
fn a_rust_side_module_is_loaded_by_a_c_program() {
    let crate_dir = root().join("tests/rust/plugin");
    let target = root().join("target/rust-plugin");
    let out = Command::new("cargo")
        .args(["build", "--quiet", "--release", "--target", "wasm32-wasip2", "--locked"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-C relocation-model=pic")
        .env_remove("CARGO_BUILD_TARGET")
        .output()
        .expect("run cargo");
    assert!(out.status.success(), "cargo build of the Rust plugin:\n{}", String::from_utf8_lossy(&out.stderr));
    let lib = target.join("wasm32-wasip2/release/librust_plugin.a");

    let s = Scratch::new("rustplug");
    // Not --whole-archive: only what the exported functions need (the staticlib also carries
    // compiler-builtins objects that are not position-independent).
    s.cc(&[
        "-shared",
        "-o",
        "librust_plugin.so",
        "-Wl,--undefined=rust_greet",
        "-Wl,--undefined=rust_sum",
        lib.to_str().unwrap(),
    ]);
    let expected = expected("rustplug.expected");
    s.program("rustplug.c", "rustplug.wasm", &[]);
    s.run("rustplug.wasm", &[], &[]).expect(&expected);
    let src = source("rustplug.c");
    s.link(&["-O1", "-o", "rustplug-lt.wasm", src.to_str().unwrap(), "-ldl", "--dl-openable", "librust_plugin.so"]);
    s.expect_on_all_hosts("rustplug-lt.wasm", &[], &[], &expected);
}
