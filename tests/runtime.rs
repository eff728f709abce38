//! Runtime mode end to end: C programs and side modules built with `bin/wasm32-wasip2-clang`,
//! run on the reference host with `bin/dlrun`. Each program checks behaviour itself (CHECK)
//! and its whole stdout is compared with the expected transcript.

mod support;
use support::{expected, Scratch};

#[test]
fn basic_open_sym_call_close() {
    let s = Scratch::new("basic");
    s.side_module("libbasic.c", "libbasic.so", &[]);
    s.program("basic.c", "basic.wasm", &[]);
    s.run("basic.wasm", &[], &[]).expect(&expected("basic.expected"));
}

#[test]
fn dependencies_order_scope_and_unload() {
    let s = Scratch::new("deps");
    s.side_module("libdeps_b.c", "libb.so", &[]);
    s.side_module("libdeps_a.c", "liba.so", &["-L.", "-lb"]);
    s.program("deps.c", "deps.wasm", &[]);
    s.run("deps.wasm", &[], &[]).expect(&expected("deps.expected"));
}

#[test]
fn global_and_local_scopes() {
    let s = Scratch::new("scope");
    s.side_module("libscope_provider.c", "libprovider.so", &[]);
    s.side_module("libscope_user.c", "libuser.so", &[]);
    s.side_module("libscope_dup.c", "libdup.so", &[]);
    s.program("scope.c", "scope.wasm", &[]);
    s.run("scope.wasm", &[], &[]).expect(&expected("scope.expected"));
}

#[test]
fn refcounts_noload_and_nodelete() {
    let s = Scratch::new("refs");
    s.side_module("librefs.c", "librefs.so", &[]);
    s.side_module("libnodelete.c", "libnodelete.so", &[]);
    s.program("refs.c", "refs.wasm", &[]);
    s.run("refs.wasm", &[], &[]).expect(&expected("refs.expected"));
}

#[test]
fn function_pointer_identity() {
    let s = Scratch::new("pointers");
    s.side_module("libptr.c", "libptr.so", &[]);
    s.program("pointers.c", "pointers.wasm", &["-rdynamic"]);
    s.run("pointers.wasm", &[], &[]).expect(&expected("pointers.expected"));
}

#[test]
fn main_program_symbols() {
    let s = Scratch::new("mainsym");
    s.side_module("libmainsym.c", "libmainsym.so", &[]);
    s.program("mainsym.c", "mainsym.wasm", &["-rdynamic"]);
    s.run("mainsym.wasm", &[], &[]).expect(&expected("mainsym.expected"));
}

#[test]
fn bad_input_leaves_loader_usable() {
    let s = Scratch::new("badinput");
    s.side_module("libgood.c", "libgood.so", &[]);
    s.side_module("libunres_fn.c", "libunres_fn.so", &[]);
    s.side_module("libunres_data.c", "libunres_data.so", &[]);
    s.side_module("libgone.c", "libgone.so", &[]);
    s.side_module("libneeds_gone.c", "libneeds_gone.so", &["-L.", "-lgood", "-lgone"]);
    s.remove("libgone.so");
    // Fixed pseudo-random bytes (an LCG), so the run is reproducible.
    let mut x = 0x2545_f491u32;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    s.write("librandom.so", &random);
    s.write("libtext.so", b"not wasm\n");
    s.truncated_copy("libgood.so", "libtrunc.so", 40);
    s.write("libplain.so", b"\0asm\x01\0\0\0");
    s.program("badinput.c", "badinput.wasm", &[]);
    s.run("badinput.wasm", &[], &[]).expect(&expected("badinput.expected"));
}

#[test]
fn constructor_calls_dlopen() {
    let s = Scratch::new("ctor_dlopen");
    s.side_module("libctor_outer.c", "libouter.so", &[]);
    s.side_module("libctor_inner.c", "libinner.so", &[]);
    s.program("ctor_dlopen.c", "ctor_dlopen.wasm", &[]);
    s.run("ctor_dlopen.wasm", &[], &[]).expect(&expected("ctor_dlopen.expected"));
}

#[test]
fn weak_imports() {
    let s = Scratch::new("weak");
    s.side_module("libweak.c", "libweak.so", &[]);
    s.program("weak.c", "weak.wasm", &["-rdynamic"]);
    s.run("weak.wasm", &[], &[]).expect(&expected("weak.expected"));
}

#[test]
fn rtld_next() {
    let s = Scratch::new("next");
    s.side_module("libnext1.c", "libnext1.so", &[]);
    s.side_module("libnext2.c", "libnext2.so", &[]);
    s.program("next.c", "next.wasm", &[]);
    s.run("next.wasm", &[], &[]).expect(&expected("next.expected"));
}

#[test]
fn search_ld_library_path() {
    let s = Scratch::new("search");
    s.side_module("libsearch.c", "libs/libsearch.so", &[]);
    s.program("search.c", "search.wasm", &[]);
    s.run("search.wasm", &[], &[("LD_LIBRARY_PATH", "missing-dir:libs")]).expect(&expected("search.expected"));
}

#[test]
fn search_runpath_origin() {
    let s = Scratch::new("runpath");
    s.side_module("librunpath_dep.c", "plugins/deps/libdep.so", &[]);
    s.side_module("librunpath_top.c", "plugins/libtop.so", &["-Lplugins/deps", "-ldep"]);
    s.add_runtime_path("plugins/libtop.so", &["$ORIGIN/deps"]);
    s.program("runpath.c", "runpath.wasm", &[]);
    s.run("runpath.wasm", &[], &[]).expect(&expected("runpath.expected"));
}

#[test]
fn libc_used_only_by_side_module() {
    let s = Scratch::new("libc_only_in_lib");
    s.side_module("liblibc_user.c", "liblibc_user.so", &[]);
    s.program("libc_only_in_lib.c", "libc_only_in_lib.wasm", &[]);
    s.run("libc_only_in_lib.wasm", &[], &[]).expect(&expected("libc_only_in_lib.expected"));
}

#[test]
fn exit_runs_destructors_dependents_first() {
    let s = Scratch::new("deps_exit");
    s.side_module("libdeps_b.c", "libb.so", &[]);
    s.side_module("libdeps_a.c", "liba.so", &["-L.", "-lb"]);
    s.side_module("libctor_inner.c", "libinner.so", &[]);
    s.program("deps_exit.c", "deps_exit.wasm", &[]);
    s.run("deps_exit.wasm", &[], &[]).expect(&expected("deps_exit.expected"));
}

#[test]
fn dependency_cycle_loads_calls_both_ways_and_unloads() {
    let s = Scratch::new("cycle");
    // a needs b needs a: build a without its dependency first so b can name it, then relink a.
    s.side_module("libcyc_a.c", "libcyc_a.so", &[]);
    s.side_module("libcyc_b.c", "libcyc_b.so", &["-L.", "-lcyc_a"]);
    s.side_module("libcyc_a.c", "libcyc_a.so", &["-L.", "-lcyc_b"]);
    s.program("cycle.c", "cycle.wasm", &[]);
    s.run("cycle.wasm", &[], &[]).expect(&expected("cycle.expected"));
}

#[test]
fn ten_thousand_open_close_cycles_stay_bounded() {
    let s = Scratch::new("leak");
    s.side_module("libleak_dep.c", "libleak_dep.so", &[]);
    s.side_module("libleak.c", "libleak.so", &["-L.", "-lleak_dep"]);
    s.program("leak.c", "leak.wasm", &[]);
    // The reference host only: a wasmtime store keeps every core instance until the store is
    // dropped, so on `bin/dlrun --wasmtime-rt` each cycle's instance stays (host memory, not
    // the guest's: 10,000 cycles grew it past 800 MB and took over 14 minutes; docs/wasmtime.md).
    s.run_on(support::Host::Jco, "leak.wasm", &[], &[]).expect(&expected("leak.expected"));
}

#[test]
fn lookups_before_and_after_indexing() {
    let s = Scratch::new("lookup");
    s.side_module("liblookup.c", "liblookup.so", &[]);
    s.program("lookup.c", "lookup.wasm", &[]);
    s.run("lookup.wasm", &[], &[]).expect(&expected("lookup.expected"));
}

/// Builds the side modules of the weak-self-reference tests in `s` (wasm, and natively).
fn weak_self_reference_libraries(s: &Scratch) {
    for (src, out) in [
        ("libselfweak.c", "libselfweak.so"),
        ("libselfweak.c", "libselfweak2.so"),
        ("libstrong_helper.c", "libstrong_helper.so"),
    ] {
        s.side_module(src, out, &[]);
        s.native("runtime", src, out);
    }
}

#[test]
fn weak_self_references_bind_to_the_library_itself() {
    let s = Scratch::new("selfweak");
    weak_self_reference_libraries(&s);
    s.native("runtime", "selfweak.c", "selfweak");
    s.run_native("selfweak").expect(&expected("selfweak.expected"));
    s.program("selfweak.c", "selfweak.wasm", &[]);
    s.run("selfweak.wasm", &[], &[]).expect(&expected("selfweak.expected"));
}

#[test]
fn main_program_interposes_on_weak_definitions() {
    let s = Scratch::new("interpose");
    weak_self_reference_libraries(&s);
    s.native("runtime", "interpose.c", "interpose");
    s.run_native("interpose").expect(&expected("interpose.expected"));
    s.program("interpose.c", "interpose.wasm", &["-rdynamic"]);
    s.run("interpose.wasm", &[], &[]).expect(&expected("interpose.expected"));
}

/// dladdr, dladdr1 and dlinfo, against glibc's transcript (issue 11).
#[test]
fn dladdr_and_dlinfo() {
    let s = Scratch::new("addr");
    s.side_module("libaddr_dep.c", "plugins/libaddr_dep.so", &[]);
    s.side_module("libaddr.c", "plugins/libaddr.so", &["-Lplugins", "-laddr_dep"]);
    s.add_runtime_path("plugins/libaddr.so", &["$ORIGIN"]);
    s.side_module("libaddr2.c", "plugins/libaddr2.so", &[]);
    s.native("runtime", "libaddr_dep.c", "plugins/libaddr_dep.so");
    s.native_with("runtime", "libaddr.c", "plugins/libaddr.so", &["-Lplugins", "-laddr_dep", "-Wl,-rpath,$ORIGIN"]);
    s.native("runtime", "libaddr2.c", "plugins/libaddr2.so");
    s.native("runtime", "addr.c", "addr");
    s.run_native("addr").expect(&expected("addr.expected"));
    s.program("addr.c", "addr.wasm", &["-rdynamic"]);
    s.run("addr.wasm", &[], &[]).expect(&expected("addr.expected"));
}

#[test]
fn thread_local_storage_is_refused_or_works() {
    let s = Scratch::new("tls");
    s.side_module("libtls.c", "libtls_pthread.so", &["-pthread"]);
    s.side_module("libtls.c", "libtls_hidden.so", &["-pthread", "-DTLS_HIDDEN"]);
    s.side_module("libtls.c", "libtls_plain.so", &[]);
    s.program("tls.c", "tls.wasm", &[]);
    s.run("tls.wasm", &[], &[]).expect(&expected("tls.expected"));
}

#[test]
fn a_library_is_identified_by_its_file() {
    let s = Scratch::new("ident");
    for dir in ["", "native/"] {
        if dir.is_empty() {
            s.side_module("libident.c", "libident.so", &[]);
        } else {
            s.native("runtime", "libident.c", "libident.so");
        }
        std::fs::create_dir_all(s.path(&format!("{dir}sub"))).unwrap();
        s.symlink("libident.so", &format!("{dir}alias.so"));
        s.hard_link(&format!("{dir}libident.so"), &format!("{dir}hard.so"));
        std::fs::copy(s.path(&format!("{dir}libident.so")), s.path(&format!("{dir}copy.so"))).unwrap();
    }
    s.native("runtime", "ident.c", "ident");
    s.run_native("ident").expect(&expected("ident.expected"));
    s.program("ident.c", "ident.wasm", &[]);
    s.run("ident.wasm", &[], &[]).expect(&expected("ident.expected"));
}

#[test]
fn plugins_reach_all_of_libc() {
    let s = Scratch::new("libc_wide");
    // With a program's link flags too, as build systems pass LDFLAGS to shared links: ignored.
    s.side_module(
        "liblibc_wide.c",
        "liblibc_wide.so",
        &["-D_WASI_EMULATED_SIGNAL", "-D_WASI_EMULATED_GETPID", "-rdynamic", "-Wl,--skip-wit-component"],
    );
    s.native("runtime", "liblibc_wide.c", "liblibc_wide.so");
    s.native("runtime", "libc_wide.c", "libc_wide");
    s.run_native("libc_wide").expect(&expected("libc_wide.expected"));
    // Libraries named twice and an explicit -lc, as configure scripts write link lines
    // (CRuby's): linked once.
    s.program(
        "libc_wide.c",
        "libc_wide.wasm",
        &["-lwasi-emulated-signal", "-lwasi-emulated-getpid", "-lm", "-lwasi-emulated-signal", "-lc"],
    );
    s.run("libc_wide.wasm", &[], &[]).expect(&expected("libc_wide.expected"));
}

#[test]
fn null_atexit_registration_is_skipped() {
    let s = Scratch::new("nulldtor");
    s.side_module("libnulldtor.c", "libnulldtor.so", &[]);
    s.program("nulldtor.c", "nulldtor.wasm", &[]);
    s.run("nulldtor.wasm", &[], &[]).expect(&expected("nulldtor.expected"));
}

/// Registrations a plugin makes after `dlopen` (not from a constructor) run at exit without
/// a `dlclose`, as on glibc.
#[test]
fn late_atexit_registrations_run_at_exit() {
    let s = Scratch::new("exitlater");
    s.side_module("libexitlater.c", "libexitlater.so", &[]);
    s.native("runtime", "libexitlater.c", "libexitlater.so");
    s.native("runtime", "exitlater.c", "exitlater");
    s.run_native("exitlater").expect(&expected("exitlater.expected"));
    s.program("exitlater.c", "exitlater.wasm", &[]);
    s.run("exitlater.wasm", &[], &[]).expect(&expected("exitlater.expected"));
}

/// setjmp/longjmp within the program, from a plugin to the program and back through the
/// plugin's frames, and within a plugin: glibc's transcript, on the reference host. The
/// wrapper translates clang-19's legacy exception handling to exnref; side modules import the
/// program's `__c_longjmp` tag.
#[test]
fn setjmp_longjmp_within_and_across_modules() {
    let s = Scratch::new("sjlj");
    s.side_module("libsjlj.c", "libsjlj.so", &["-O2", "-mllvm", "-wasm-enable-sjlj"]);
    s.native("runtime", "libsjlj.c", "libsjlj.so");
    s.native("runtime", "sjlj.c", "sjlj");
    s.run_native("sjlj").expect(&expected("sjlj.expected"));
    s.program("sjlj.c", "sjlj.wasm", &["-O2", "-mllvm", "-wasm-enable-sjlj", "-lsetjmp"]);
    s.run("sjlj.wasm", &[], &[]).expect(&expected("sjlj.expected"));
}

#[test]
fn destructor_calls_dlsym_on_its_own_handle() {
    let s = Scratch::new("dtor_dlsym");
    s.side_module("libdtor_dlsym.c", "libdtor_dlsym.so", &[]);
    s.native("runtime", "libdtor_dlsym.c", "libdtor_dlsym.so");
    s.native("runtime", "dtor_dlsym.c", "dtor_dlsym");
    s.run_native("dtor_dlsym").expect(&expected("dtor_dlsym.expected"));
    s.program("dtor_dlsym.c", "dtor_dlsym.wasm", &[]);
    s.run("dtor_dlsym.wasm", &[], &[]).expect(&expected("dtor_dlsym.expected"));
}
