//! Link-time mode end to end: side modules built with `bin/wasm32-wasip2-clang -fPIC -shared`
//! are bundled into the component by `bin/wasm32-wasip2-link ... -ldl --dl-openable lib.so`,
//! and `dlopen` finds them in the table `wasm-tools component link` writes. Every program
//! runs on stock wasmtime (`bin/dlrun --wasmtime`) and on jco (`bin/dlrun`) and must print
//! the same transcript, `tests/c/linktime/<name>.expected`, on both.

mod support;
use support::{expected_in, Scratch};

const DIR: &str = "linktime";

fn side(s: &Scratch, src: &str, out: &str, extra: &[&str]) {
    s.side_module_in(DIR, src, out, extra);
}

fn expect_everywhere(s: &Scratch, wasm: &str, transcript: &str) {
    s.expect_on_all_hosts(wasm, &[], &[], &expected_in(DIR, transcript));
}

#[test]
fn open_sym_call_functions_and_data() {
    let s = Scratch::new("linktime_basic");
    side(&s, "libcalc.c", "libcalc.so", &[]);
    side(&s, "libnamed.c", "libnamed.so", &[]);
    s.link_program(
        DIR,
        "basic.c",
        "basic.wasm",
        &["--dl-openable", "libcalc.so", "--dl-openable", "ext/libnamed.so=libnamed.so"],
    );
    expect_everywhere(&s, "basic.wasm", "basic.expected");
}

#[test]
fn needed_dependency_is_bundled_and_shared() {
    let s = Scratch::new("linktime_deps");
    side(&s, "libdeps_b.c", "libb.so", &[]);
    side(&s, "libdeps_a.c", "liba.so", &["-L.", "-lb"]);
    // Only liba.so is named: libb.so comes in through liba's NEEDED entry.
    s.link_program(DIR, "deps.c", "deps.wasm", &["--dl-openable", "liba.so"]);
    expect_everywhere(&s, "deps.wasm", "deps.expected");
}

/// runtime/addr.c (dladdr, dladdr1, dlinfo) in link-time mode: the transcript differs from
/// glibc's (and runtime mode's) only where docs/linktime.md says.
#[test]
fn dladdr_and_dlinfo() {
    let s = Scratch::new("linktime_addr");
    s.side_module("libaddr_dep.c", "plugins/libaddr_dep.so", &[]);
    s.side_module("libaddr.c", "plugins/libaddr.so", &["-Lplugins", "-laddr_dep"]);
    s.side_module("libaddr2.c", "plugins/libaddr2.so", &[]);
    let libs = ["--dl-openable", "plugins/libaddr.so", "--dl-openable", "plugins/libaddr2.so"];
    s.link_program("runtime", "addr.c", "addr.wasm", &[&["-rdynamic", "-DLINKTIME"], &libs[..]].concat());
    expect_everywhere(&s, "addr.wasm", "addr.expected");
}

#[test]
fn refcounts_same_handle_and_noload() {
    let s = Scratch::new("linktime_refs");
    side(&s, "librefs.c", "librefs.so", &[]);
    s.link_program(DIR, "refs.c", "refs.wasm", &["--dl-openable", "librefs.so"]);
    expect_everywhere(&s, "refs.wasm", "refs.expected");
}

#[test]
fn default_and_global_scopes() {
    let s = Scratch::new("linktime_scope");
    side(&s, "libprovider.c", "libprovider.so", &[]);
    side(&s, "libdup.c", "libdup.so", &[]);
    s.link_program(DIR, "scope.c", "scope.wasm", &["--dl-openable", "libprovider.so", "--dl-openable", "libdup.so"]);
    expect_everywhere(&s, "scope.wasm", "scope.expected");
}

#[test]
fn bad_input_gives_dlerror_not_a_trap() {
    let s = Scratch::new("linktime_badinput");
    side(&s, "libgood.c", "libgood.so", &[]);
    s.link_program(DIR, "badinput.c", "badinput.wasm", &["--dl-openable", "libgood.so"]);
    expect_everywhere(&s, "badinput.wasm", "badinput.expected");
}

/// The weak-self-reference programs of the runtime suite, bundled: a library's calls to its own
/// weak definitions and the main program's interposition work; the lines that `LINKTIME`
/// prints instead of checking are the differences docs/linktime.md lists.
#[test]
fn weak_self_references_and_interposition() {
    let s = Scratch::new("linktime_selfweak");
    for (src, out) in [
        ("libselfweak.c", "libselfweak.so"),
        ("libselfweak.c", "libselfweak2.so"),
        ("libstrong_helper.c", "libstrong_helper.so"),
    ] {
        s.side_module_in("runtime", src, out, &[]);
    }
    let libs =
        ["--dl-openable", "libselfweak.so", "--dl-openable", "libselfweak2.so", "--dl-openable", "libstrong_helper.so"];
    s.link_program("runtime", "selfweak.c", "selfweak.wasm", &[&["-DLINKTIME"], &libs[..]].concat());
    expect_everywhere(&s, "selfweak.wasm", "selfweak.expected");
    s.link_program("runtime", "interpose.c", "interpose.wasm", &[&["-DLINKTIME", "-rdynamic"], &libs[..2]].concat());
    expect_everywhere(&s, "interpose.wasm", "interpose.expected");
}

/// A bundled library's `__cxa_atexit` goes to libc (it is never unloaded), so what it
/// registers after `dlopen` runs at exit, as in runtime mode.
#[test]
fn late_atexit_registrations_run_at_exit() {
    let s = Scratch::new("linktime_exitlater");
    s.side_module_in("runtime", "libexitlater.c", "libexitlater.so", &[]);
    s.link_program("runtime", "exitlater.c", "exitlater.wasm", &["--dl-openable", "libexitlater.so"]);
    s.expect_on_all_hosts("exitlater.wasm", &[], &[], &expected_in("runtime", "exitlater.expected"));
}

/// setjmp/longjmp across bundled libraries: the program links `-lsetjmp` and exports the one
/// `__c_longjmp` tag, which `wasm-tools component link` binds the library's import to.
#[test]
fn setjmp_longjmp_across_bundled_libraries() {
    let s = Scratch::new("linktime_sjlj");
    let sjlj = ["-O2", "-mllvm", "-wasm-enable-sjlj"];
    s.side_module_in("runtime", "libsjlj.c", "libsjlj.so", &sjlj);
    s.link_program(
        "runtime",
        "sjlj.c",
        "sjlj.wasm",
        &[&sjlj[..], &["-lsetjmp", "--dl-openable", "libsjlj.so"]].concat(),
    );
    s.expect_on_all_hosts("sjlj.wasm", &[], &[], &expected_in("runtime", "sjlj.expected"));
}

/// A side module with real thread-local storage (built with `-pthread`) cannot work without
/// shared memory: `wasm32-wasip2-link` refuses to bundle it, naming the library and why, as
/// `dlopen` refuses it in runtime mode (`tests/c/runtime/tls.c`).
#[test]
fn thread_local_storage_is_refused_at_link_time() {
    let s = Scratch::new("linktime_tls");
    s.side_module_in("runtime", "libtls.c", "libtls_pthread.so", &["-pthread", "-DTLS_HIDDEN"]);
    s.write("app.c", b"int main(void) { return 0; }\n");
    let out = s.link_output(&["-o", "app.wasm", "app.c", "-ldl", "--dl-openable", "libtls_pthread.so"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "linked a module with real TLS");
    assert!(stderr.contains("libtls_pthread.so: unsupported: thread-local storage"), "stderr: {stderr}");
}

/// The plugin of the runtime suite's `plugins_reach_all_of_libc`, bundled: in link-time mode
/// libc is the shared `libc.so`, so every function and data object is there too.
#[test]
fn plugins_reach_all_of_libc() {
    let s = Scratch::new("linktime_libc_wide");
    s.side_module_in(
        "runtime",
        "liblibc_wide.c",
        "liblibc_wide.so",
        &["-D_WASI_EMULATED_SIGNAL", "-D_WASI_EMULATED_GETPID"],
    );
    let rest = ["-lwasi-emulated-signal", "-lwasi-emulated-getpid", "--dl-openable", "liblibc_wide.so"];
    s.link_program("runtime", "libc_wide.c", "libc_wide.wasm", &rest);
    s.expect_on_all_hosts("libc_wide.wasm", &[], &[], &support::expected_in("runtime", "libc_wide.expected"));
}
