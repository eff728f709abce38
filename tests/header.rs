//! `include/dlfcn.h` and `include/link.h` must be exactly what `build.rs` generates with
//! cbindgen. `UPDATE_DLFCN_H=1 cargo test --test header` rewrites the committed copies.

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/dlfcn.h"));
const GENERATED_LINK_H: &str = include_str!(concat!(env!("OUT_DIR"), "/link.h"));

fn check_committed(name: &str, generated: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("include").join(name);
    if std::env::var_os("UPDATE_DLFCN_H").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/{name} is stale: run `UPDATE_DLFCN_H=1 cargo test --test header` and commit it"
    );
}

#[test]
fn committed_header_is_current() {
    check_committed("dlfcn.h", GENERATED);
}

#[test]
fn committed_link_h_is_current() {
    check_committed("link.h", GENERATED_LINK_H);
}

#[test]
fn header_declares_the_posix_interface() {
    for decl in [
        "void *dlopen(const char *filename, int flags);",
        "void *dlsym(void *handle, const char *symbol);",
        "int dlclose(void *handle);",
        "char *dlerror(void);",
        "int dladdr(const void *addr, struct Dl_info *info);",
        "int dlinfo(void *handle, int request, void *arg);",
    ] {
        assert!(GENERATED.contains(decl), "dlfcn.h lacks `{decl}`:\n{GENERATED}");
    }
}

/// The `RTLD_*` macros of a header, as the preprocessor leaves them (`clang -E -dM`), with
/// their values' spaces removed.
fn rtld_macros(include_dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    use std::io::Write;
    let mut child = std::process::Command::new("clang-19")
        .args(["--target=wasm32-wasip2", "-nostdinc", "-isystem"])
        .arg(include_dir)
        .args(["-E", "-dM", "-x", "c", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("clang-19 (scripts/setup installs it)");
    child.stdin.take().unwrap().write_all(b"#include <dlfcn.h>\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "clang -E -dM failed for {}", include_dir.display());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("#define RTLD_"))
        .filter_map(|l| l.split_once(' '))
        .map(|(name, value)| (name.to_string(), value.replace(' ', "")))
        .collect()
}

/// Programs built against wasi-libc's own `dlfcn.h` (the pinned sysroot, before ours shadows
/// it) pass the same `RTLD_*` values ours means: every macro both define agrees, and ours
/// defines every one wasi-libc does.
#[test]
fn flag_values_match_wasi_libc() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let env = std::fs::read_to_string(root.join("share/toolchain.env")).unwrap();
    let version = env.lines().find_map(|l| l.strip_prefix("WASI_LIBC_VERSION=")).unwrap();
    let theirs_dir = root.join(format!(".toolchain/wasi-libc-{version}/usr/include/wasm32-wasip2"));
    assert!(theirs_dir.join("dlfcn.h").is_file(), "{} missing: run scripts/setup", theirs_dir.display());
    let theirs = rtld_macros(&theirs_dir);
    let ours = rtld_macros(&root.join("include"));
    assert!(theirs.len() >= 8, "wasi-libc's RTLD_ macros: {theirs:?}");
    for (name, value) in &theirs {
        assert_eq!(ours.get(name), Some(value), "RTLD_{name}: wasi-libc says {value}, ours {:?}", ours.get(name));
    }
}
