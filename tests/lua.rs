//! Lua 5.4 built from Debian's source with its stock error handling (setjmp/longjmp,
//! `ports/lua/build`): `require` of a C module goes through our dlopen, and errors raised
//! inside the module (`luaL_error`, a longjmp from the side module to the interpreter) or in
//! Lua code it calls are caught by `pcall` in the script. The script's transcript is the
//! native Lua's (glibc, same source), on the reference host in runtime mode and in link-time
//! mode on wasmtime and the reference host. A missing build is built, never skipped.

mod support;
use std::path::PathBuf;
use std::process::Command;
use support::{expected_in, root, source_in, Scratch};

/// The output directory of `ports/lua/build`, built first if needed.
fn lua_build() -> PathBuf {
    let out = Command::new(root().join("ports/lua/build")).output().expect("run ports/lua/build");
    assert!(out.status.success(), "ports/lua/build failed:\n{}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

#[test]
fn c_module_errors_are_caught_by_pcall() {
    let lua = lua_build();
    let s = Scratch::new("lua_errors");
    let expected = expected_in("lua", "errors.expected");
    std::fs::copy(source_in("lua", "errors.lua"), s.path("errors.lua")).unwrap();
    let include = format!("-I{}", lua.join("include").display());

    // Natively first: the transcript is real Lua's.
    let native = s.path("native");
    std::fs::create_dir_all(&native).unwrap();
    std::fs::copy(source_in("lua", "errors.lua"), native.join("errors.lua")).unwrap();
    let sources: Vec<PathBuf> = std::fs::read_dir(lua.join("src/src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c") && !p.ends_with("luac.c"))
        .collect();
    let cc = |files: &[PathBuf], args: &[&str]| {
        let out = Command::new("cc").args(files).args(args).current_dir(&native).output().expect("run cc");
        assert!(out.status.success(), "cc {args:?}:\n{}", String::from_utf8_lossy(&out.stderr));
    };
    cc(&sources, &["-O2", "-DLUA_USE_LINUX", "-Wl,-E", "-o", "lua", "-ldl", "-lm"]);
    cc(&[source_in("lua", "errmod.c")], &["-O2", "-shared", "-fPIC", &include, "-o", "errmod.so"]);
    let run = Command::new(native.join("lua")).arg("errors.lua").current_dir(&native).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected, "native Lua's transcript");

    // Runtime mode: lua.wasm dlopens the side module on the reference host.
    let sjlj = ["-O2", "-fPIC", "-shared", "-mllvm", "-wasm-enable-sjlj", &include];
    let errmod = source_in("lua", "errmod.c");
    s.cc(&[&sjlj[..], &[errmod.to_str().unwrap(), "-o", "errmod.so"]].concat());
    std::fs::copy(lua.join("lua.wasm"), s.path("lua.wasm")).unwrap();
    s.run("lua.wasm", &["errors.lua"], &[]).expect(&expected);

    // Link-time mode: the interpreter's objects and the module in one component.
    let mut link = vec!["-O2".to_string(), "-o".into(), "lua-lt.wasm".into()];
    for e in std::fs::read_dir(lua.join("obj")).unwrap() {
        link.push(e.unwrap().path().to_str().unwrap().to_string());
    }
    for a in ["-ldl", "-lsetjmp", "-lwasi-emulated-signal", "-lwasi-emulated-process-clocks"] {
        link.push(a.into());
    }
    link.extend(["--dl-openable".to_string(), "errmod.so".into()]);
    s.link(&link.iter().map(String::as_str).collect::<Vec<_>>());
    s.expect_on_all_hosts("lua-lt.wasm", &["errors.lua"], &[], &expected);
}
