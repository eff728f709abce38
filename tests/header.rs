//! `include/dlfcn.h` must be exactly what `build.rs` generates with cbindgen.
//! `UPDATE_DLFCN_H=1 cargo test --test header` rewrites the committed copy.

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/dlfcn.h"));

#[test]
fn committed_header_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/dlfcn.h");
    if std::env::var_os("UPDATE_DLFCN_H").is_some() {
        std::fs::write(path, GENERATED).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == GENERATED,
        "include/dlfcn.h is stale: run `UPDATE_DLFCN_H=1 cargo test --test header` and commit it"
    );
}

#[test]
fn header_declares_the_posix_interface() {
    for decl in [
        "void *dlopen(const char *filename, int flags);",
        "void *dlsym(void *handle, const char *symbol);",
        "int dlclose(void *handle);",
        "char *dlerror(void);",
        "#define RTLD_LAZY 1",
        "#define RTLD_NOW 2",
        "#define RTLD_NOLOAD 4",
        "#define RTLD_LOCAL 8",
        "#define RTLD_GLOBAL 256",
        "#define RTLD_NODELETE 4096",
        "#define RTLD_DEFAULT ((void *)0)",
        "#define RTLD_NEXT ((void *)-1)",
    ] {
        assert!(GENERATED.contains(decl), "dlfcn.h lacks `{decl}`:\n{GENERATED}");
    }
}
