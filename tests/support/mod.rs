//! Builds C programs and side modules with `bin/wasm32-wasip2-clang` (runtime mode) or
//! `bin/wasm32-wasip2-link` (link-time mode) and runs them with `bin/dlrun` on jco or
//! `bin/dlrun --wasmtime`, each test in its own scratch directory under `target/c-tests/`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// libdl.a must be current before any program links it; built once per test binary.
fn ensure_libdl() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let st = Command::new(root().join("scripts/build-libdl")).status().expect("run build-libdl");
        assert!(st.success(), "scripts/build-libdl failed");
    });
}

pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    /// A fresh directory for one test.
    pub fn new(name: &str) -> Scratch {
        ensure_libdl();
        let dir = root().join("target/c-tests").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Runs `bin/<tool>` in the scratch directory (with `-I tests/c`); panics with its
    /// output on failure.
    fn tool(&self, tool: &str, args: &[&str]) {
        let out = Command::new(root().join("bin").join(tool))
            .args(args)
            .arg(format!("-I{}", root().join("tests/c").display()))
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|e| panic!("run {tool}: {e}"));
        assert!(out.status.success(), "{tool} {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }

    /// Runs `bin/wasm32-wasip2-link` in the scratch directory and returns its output, for a
    /// link that must fail.
    pub fn link_output(&self, args: &[&str]) -> Output {
        Command::new(root().join("bin/wasm32-wasip2-link"))
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("run wasm32-wasip2-link")
    }

    /// Runs the C driver in the scratch directory; panics with its output on failure.
    pub fn cc(&self, args: &[&str]) {
        self.tool("wasm32-wasip2-clang", args);
    }

    /// Runs the C++ driver in the scratch directory; panics with its output on failure.
    pub fn cxx(&self, args: &[&str]) {
        self.tool("wasm32-wasip2-clang++", args);
    }

    /// `lib<name>.so` from `tests/c/runtime/<src>` plus extra flags (e.g. `-L. -lbar`).
    pub fn side_module(&self, src: &str, out: &str, extra: &[&str]) {
        self.side_module_in("runtime", src, out, extra);
    }

    /// A side module `out` from `tests/c/<dir>/<src>` plus extra flags.
    pub fn side_module_in(&self, dir: &str, src: &str, out: &str, extra: &[&str]) {
        std::fs::create_dir_all(self.path(out).parent().unwrap()).unwrap();
        let src = source_in(dir, src);
        let mut args = vec!["-fPIC", "-shared", "-O1", src.to_str().unwrap(), "-o", out];
        args.extend_from_slice(extra);
        self.cc(&args);
    }

    /// A main program `<out>` from `tests/c/runtime/<src>`, linked with -ldl.
    pub fn program(&self, src: &str, out: &str, extra: &[&str]) {
        self.program_in("runtime", src, out, extra);
    }

    /// A main program `<out>` from `tests/c/<dir>/<src>`, linked with -ldl.
    pub fn program_in(&self, dir: &str, src: &str, out: &str, extra: &[&str]) {
        let src = source_in(dir, src);
        let mut args = vec!["-O1", src.to_str().unwrap(), "-o", out];
        args.extend_from_slice(extra);
        args.push("-ldl");
        self.cc(&args);
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// Makes `link` a symbolic link to `target` (relative to the link's directory).
    pub fn symlink(&self, target: &str, link: &str) {
        std::os::unix::fs::symlink(target, self.path(link)).unwrap();
    }

    /// Makes `link` a hard link to `target`.
    pub fn hard_link(&self, target: &str, link: &str) {
        std::fs::hard_link(self.path(target), self.path(link)).unwrap();
    }

    /// Writes the first `len` bytes of `from` to `to`.
    pub fn truncated_copy(&self, from: &str, to: &str, len: usize) {
        let bytes = std::fs::read(self.path(from)).unwrap();
        assert!(bytes.len() > len, "{from} is only {} bytes", bytes.len());
        self.write(to, &bytes[..len]);
    }

    /// Appends a dylink.0 `WASM_DYLINK_RUNTIME_PATH` subsection (id 5) with `entries` to the side
    /// module `rel`. wasm-ld 19 has no `-rpath` for wasm, so tests add RUNPATH this way.
    pub fn add_runtime_path(&self, rel: &str, entries: &[&str]) {
        let bytes = std::fs::read(self.path(rel)).unwrap();
        let mut p = 8;
        assert_eq!(bytes[p], 0, "{rel}: first section is not a custom section");
        p += 1;
        let (size, n) = read_leb(&bytes[p..]).expect("a section size");
        let payload = p + n;
        let end = payload + size as usize;
        assert_eq!(&bytes[payload..payload + 9], b"\x08dylink.0", "{rel}: first section is not dylink.0");
        let mut body = Vec::new();
        write_leb(entries.len() as u32, &mut body);
        for e in entries {
            write_leb(e.len() as u32, &mut body);
            body.extend_from_slice(e.as_bytes());
        }
        let mut section = bytes[payload..end].to_vec();
        section.push(5);
        write_leb(body.len() as u32, &mut section);
        section.extend(body);
        let mut out = bytes[..p].to_vec();
        write_leb(section.len() as u32, &mut out);
        out.extend(section);
        out.extend_from_slice(&bytes[end..]);
        self.write(rel, &out);
    }

    /// Runs `bin/wasm32-wasip2-link` in the scratch directory (with `-I tests/c`); panics
    /// with its output on failure.
    pub fn link(&self, args: &[&str]) {
        self.tool("wasm32-wasip2-link", args);
    }

    /// A link-time mode component `out` from `tests/c/<dir>/<src>`, linked with `-ldl` (the
    /// default libdl of `wasm32-wasip2-link`) and `rest` (e.g. `--dl-openable libfoo.so`).
    pub fn link_program(&self, dir: &str, src: &str, out: &str, rest: &[&str]) {
        let src = source_in(dir, src);
        let mut args = vec!["-O1", "-o", out, src.to_str().unwrap(), "-ldl"];
        args.extend_from_slice(rest);
        self.link(&args);
    }

    /// Builds `tests/c/<dir>/<src>` natively (the system's `cc`, glibc) into `native/<out>`:
    /// a shared library when `out` ends in `.so`, else a program linked with `-rdynamic -ldl`.
    /// The C tests whose behaviour glibc has are run natively first, against the same
    /// transcript, so the expected output is glibc's and not ours.
    pub fn native(&self, dir: &str, src: &str, out: &str) {
        self.native_with(dir, src, out, &[]);
    }

    /// [`Scratch::native`] with extra compiler flags (e.g. `-L. -lfoo -Wl,-rpath,$ORIGIN`).
    pub fn native_with(&self, dir: &str, src: &str, out: &str, extra: &[&str]) {
        let native = self.path("native");
        std::fs::create_dir_all(native.join(out).parent().unwrap()).unwrap();
        let src = source_in(dir, src);
        let mut cmd = Command::new("cc");
        cmd.arg("-O1").arg(format!("-I{}", root().join("tests/c").display())).arg(&src).args(["-o", out]);
        if out.ends_with(".so") {
            cmd.args(["-shared", "-fPIC", "-lm"]);
        } else {
            cmd.args(["-rdynamic", "-ldl"]);
        }
        cmd.args(extra);
        let built = cmd.current_dir(&native).output().expect("run cc");
        assert!(built.status.success(), "cc {src:?} failed:\n{}", String::from_utf8_lossy(&built.stderr));
    }

    /// Runs native program `native/<exe>` in `native/`.
    pub fn run_native(&self, exe: &str) -> Run {
        let native = self.path("native");
        Run(Command::new(native.join(exe)).current_dir(&native).output().expect("run native program"))
    }

    /// Runs a runtime-mode component in the scratch directory on both hosts that implement
    /// `wasi:module-loader` (the reference host and `bin/dlrun --wasmtime-rt`), asserts that
    /// they print the same and exit the same, and returns the reference host's run.
    pub fn run(&self, wasm: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let jco = self.run_on(Host::Jco, wasm, args, env);
        let wt = self.run_on(Host::WasmtimeRt, wasm, args, env);
        assert!(
            jco.0.status.code() == wt.0.status.code() && jco.stdout() == wt.stdout(),
            "{wasm}: the two runtime-mode hosts differ\n=== jco ({}):\n{}\n=== wasmtime-rt ({}):\n{}\n--- stderr\n{}\n--- diff\n{}",
            jco.0.status,
            jco.stdout(),
            wt.0.status,
            wt.stdout(),
            wt.stderr(),
            line_diff(&jco.stdout(), &wt.stdout())
        );
        jco
    }

    /// Runs a component on `host` in the scratch directory.
    pub fn run_on(&self, host: Host, wasm: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(root().join("bin/dlrun"));
        match host {
            Host::Jco => {}
            Host::Wasmtime => {
                cmd.arg("--wasmtime");
            }
            Host::WasmtimeRt => {
                cmd.arg("--wasmtime-rt");
            }
        }
        cmd.arg(wasm).args(args).current_dir(&self.dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run(cmd.output().expect("run dlrun"))
    }

    /// Runs a component on every host in [`Host::ALL`] and checks each transcript against
    /// `expected`; reports every host that differs, not just the first.
    pub fn expect_on_all_hosts(&self, wasm: &str, args: &[&str], env: &[(&str, &str)], expected: &str) {
        let failures: Vec<String> = Host::ALL
            .iter()
            .filter_map(|&host| {
                self.run_on(host, wasm, args, env).check(expected).err().map(|e| format!("=== on {}: {e}", host.name()))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// Where `bin/dlrun` runs a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// Node + jco with the reference `wasi:module-loader` host (`bin/dlrun app.wasm`).
    Jco,
    /// Stock wasmtime, WASI 0.2 only (`bin/dlrun --wasmtime app.wasm`).
    Wasmtime,
    /// wasmtime with our Rust host of `wasi:module-loader` (`bin/dlrun --wasmtime-rt`).
    WasmtimeRt,
}

impl Host {
    /// The hosts a link-time component runs on (it needs no module loader).
    pub const ALL: [Host; 2] = [Host::Wasmtime, Host::Jco];

    pub fn name(self) -> &'static str {
        match self {
            Host::Jco => "jco",
            Host::Wasmtime => "wasmtime",
            Host::WasmtimeRt => "wasmtime-rt",
        }
    }
}

/// LEB128, names and sections: the crate's test encoders (one copy for all tests).
#[allow(dead_code)]
#[path = "../../src/model/encode.rs"]
mod encode;
#[allow(unused_imports)]
pub use encode::{leb as write_leb, name as write_name, read_leb, sub as write_section};
/// For `encode`, which takes `Vec` from the module that includes it.
use std::vec::Vec;

pub fn source(rel: &str) -> PathBuf {
    source_in("runtime", rel)
}

/// `tests/c/<dir>/<rel>`.
pub fn source_in(dir: &str, rel: &str) -> PathBuf {
    root().join("tests/c").join(dir).join(rel)
}

pub struct Run(pub Output);

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Asserts a clean exit and that stdout is exactly `expected` (line by line).
    pub fn expect(&self, expected: &str) {
        let out = self.stdout();
        assert!(
            self.0.status.success(),
            "program failed ({}):\n--- stdout\n{out}\n--- stderr\n{}",
            self.0.status,
            self.stderr()
        );
        assert_eq!(out.trim_end(), expected.trim_end(), "stdout differs; stderr:\n{}", self.stderr());
    }

    /// [`expect`](Self::expect) as a `Result`: the failure description, with a line diff.
    pub fn check(&self, expected: &str) -> Result<(), String> {
        let out = self.stdout();
        if self.0.status.success() && out.trim_end() == expected.trim_end() {
            return Ok(());
        }
        let mut msg = if self.0.status.success() {
            String::from("stdout differs")
        } else {
            format!("program failed ({})", self.0.status)
        };
        msg.push_str(&format!("\n--- stdout\n{out}\n--- stderr\n{}", self.stderr()));
        if self.0.status.success() {
            msg.push_str("--- diff (- expected, + actual)\n");
            msg.push_str(&line_diff(expected.trim_end(), out.trim_end()));
        }
        Err(msg)
    }
}

/// A small line diff: lines only in `a` with `-`, only in `b` with `+` (longest common
/// subsequence), enough to read a transcript mismatch.
pub fn line_diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.lines().collect();
    let b: Vec<&str> = b.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}

/// Reads `tests/c/runtime/<name>` as the expected output.
pub fn expected(name: &str) -> String {
    expected_in("runtime", name)
}

/// Reads `tests/c/<dir>/<name>` as the expected output.
pub fn expected_in(dir: &str, name: &str) -> String {
    std::fs::read_to_string(source_in(dir, name)).unwrap()
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
