//! Builds C programs and side modules with `bin/wasm32-wasip2-clang` and runs them with
//! `bin/dlrun`, each test in its own scratch directory under `target/c-tests/`.

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

    /// Runs the C driver in the scratch directory; panics with its output on failure.
    pub fn cc(&self, args: &[&str]) {
        let out = Command::new(root().join("bin/wasm32-wasip2-clang"))
            .args(args)
            .arg(format!("-I{}", root().join("tests/c").display()))
            .current_dir(&self.dir)
            .output()
            .expect("run wasm32-wasip2-clang");
        assert!(
            out.status.success(),
            "wasm32-wasip2-clang {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `lib<name>.so` from `tests/c/runtime/<src>` plus extra flags (e.g. `-L. -lbar`).
    pub fn side_module(&self, src: &str, out: &str, extra: &[&str]) {
        std::fs::create_dir_all(self.path(out).parent().unwrap()).unwrap();
        let src = source(src);
        let mut args = vec!["-fPIC", "-shared", "-O1", src.to_str().unwrap(), "-o", out];
        args.extend_from_slice(extra);
        self.cc(&args);
    }

    /// A main program `<out>` from `tests/c/runtime/<src>`, linked with -ldl.
    pub fn program(&self, src: &str, out: &str, extra: &[&str]) {
        let src = source(src);
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
        let (size, n) = read_leb(&bytes[p..]);
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

    /// Runs a component on the reference host in the scratch directory.
    pub fn run(&self, wasm: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(root().join("bin/dlrun"));
        cmd.arg(wasm).args(args).current_dir(&self.dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run(cmd.output().expect("run dlrun"))
    }
}

fn read_leb(bytes: &[u8]) -> (u32, usize) {
    let mut v = 0u32;
    for (i, b) in bytes.iter().enumerate().take(5) {
        v |= u32::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (v, i + 1);
        }
    }
    panic!("bad LEB128");
}

fn write_leb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

pub fn source(rel: &str) -> PathBuf {
    root().join("tests/c/runtime").join(rel)
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
}

/// Reads `tests/c/runtime/<name>` as the expected output.
pub fn expected(name: &str) -> String {
    std::fs::read_to_string(source(name)).unwrap()
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}
