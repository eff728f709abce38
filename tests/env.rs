//! One WASI environment on both hosts (issue 17): `tests/c/env/env.c` (argv, environment,
//! stdin, clocks, random, the file system, isatty, deep recursion, exit status) gives the same
//! transcript natively (glibc), on the reference host and on wasmtime. The exit status is 7
//! natively and 1 on both wasm hosts: wasi-libc reports only success or failure (README,
//! "Status and limits").

mod support;
use std::io::Write;
use std::process::{Command, Stdio};
use support::{root, Scratch};

/// Runs `cmd` in a fresh directory `dir` with the test's arguments, environment and stdin.
fn run(s: &Scratch, dir: &str, mut cmd: Command) -> (String, Option<i32>) {
    let cwd = s.path(dir);
    std::fs::create_dir_all(&cwd).unwrap();
    let mut child = cmd
        .args(["a", "b c"])
        .env("ENV_TEST_VAR", "yes")
        .env_remove("TMPDIR")
        .current_dir(&cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().unwrap().write_all(b"input line\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("0 failures"), "{dir}: {text}\n{}", String::from_utf8_lossy(&out.stderr));
    (text, out.status.code())
}

#[test]
fn same_environment_on_both_hosts_and_natively() {
    let s = Scratch::new("env");
    let src = root().join("tests/c/env/env.c");
    let native = Command::new("cc").args(["-O0", src.to_str().unwrap(), "-o"]).arg(s.path("env_native")).status();
    assert!(native.unwrap().success(), "native build");
    s.cc(&["-O0", src.to_str().unwrap(), "-o", "env.wasm"]);
    let (native_text, native_status) = run(&s, "native", Command::new(s.path("env_native")));
    assert_eq!(native_status, Some(7));
    for (dir, wasmtime) in [("jco", false), ("wasmtime", true)] {
        let mut cmd = Command::new(root().join("bin/dlrun"));
        if wasmtime {
            cmd.arg("--wasmtime");
        }
        cmd.arg(s.path("env.wasm"));
        let (text, status) = run(&s, dir, cmd);
        assert_eq!(text, native_text, "{dir}: transcript differs from the native one");
        assert_eq!(status, Some(1), "{dir}: exit status");
    }
}
