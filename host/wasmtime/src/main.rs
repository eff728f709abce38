//! `dlrun-wasmtime`: runs a WASI 0.2 command component on wasmtime with the
//! `wasi:module-loader` interface (wit/module-loader.wit), so that the guest's libdl loads side
//! modules at run time, as the reference host (host/module-loader.mjs) does on Node.
//!
//!   dlrun-wasmtime app.wasm [args...]
//!
//! `bin/dlrun --wasmtime-rt` runs it. As for the reference host (host/run.mjs): the guest gets
//! argv[0] = the file name of app.wasm, this environment less `DLRUN_*`, stdio, the network,
//! the current directory preopened as `.` (the guest's root) and the directories
//! `$DLRUN_DIRS` names (one `HOST::GUEST` a line); the exit status is the guest's (1 if it
//! traps, with the trap on stderr). `DLRUN_BIG_STACK=1` (the process may use a 64 MiB stack)
//! lets wasm use 56 MiB of it.
//!
//! The host only provides primitives: find and compile a module, instantiate it with the
//! imports the guest names, hand out table slots for functions, read exports. All linking
//! policy is the guest's. The one thing wasmtime's supported API cannot give a component host
//! function is its caller's core memory and table; with `Config::guest_debug` the store lists
//! its core instances (`debug_all_instances`), and the caller is the one that exports both
//! `memory` and `__indirect_function_table` (docs/wasmtime.md).

mod loader;

use std::path::PathBuf;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{bail, Result};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};

/// The store's data: WASI's context and resources, and the loader's state.
pub struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    loader: loader::Loader,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

fn usage() -> ! {
    eprintln!("usage: dlrun-wasmtime app.wasm [args...]");
    std::process::exit(2);
}

fn main() {
    match run() {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("dlrun-wasmtime: {e:?}");
            std::process::exit(1);
        }
    }
}

fn run() -> Result<i32> {
    let mut args = std::env::args().skip(1);
    // Preopens: the current directory as the guest's root ('.'), and $DLRUN_DIRS.
    let mut preopens: Vec<(String, PathBuf)> = vec![(".".into(), std::env::current_dir()?)];
    for line in std::env::var("DLRUN_DIRS").unwrap_or_default().lines().filter(|l| !l.is_empty()) {
        let (host, guest) = line.split_once("::").unwrap_or_else(|| usage());
        preopens.push((guest.into(), PathBuf::from(host)));
    }
    let app = PathBuf::from(args.next().unwrap_or_else(|| usage()));
    let rest: Vec<String> = args.collect();

    let mut config = Config::new();
    config.wasm_component_model(true);
    // The only way to reach the caller's core instance (see the module docs).
    // DLRUN_GUEST_DEBUG=0 turns it off, to measure what it costs (dlopen then fails).
    config.guest_debug(std::env::var("DLRUN_GUEST_DEBUG").map_or(true, |v| v != "0"));
    // setjmp/longjmp and C++ exceptions (bin/wasm32-wasip2-clang emits exnref).
    config.wasm_exceptions(true);
    if std::env::var("DLRUN_BIG_STACK").is_ok_and(|v| v == "1") {
        // (the async stack bounds it even when nothing runs async)
        config.async_stack_size(60 << 20);
        config.max_wasm_stack(56 << 20);
    }
    let engine = Engine::new(&config)?;
    let component = Component::from_file(&engine, &app).with_context(|| format!("{}", app.display()))?;

    let mut linker = Linker::<State>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    loader::add_to_linker(&mut linker)?;

    let mut wasi = WasiCtx::builder();
    let argv0 = app.file_name().map_or_else(|| "main".into(), |n| n.to_string_lossy().into_owned());
    wasi.inherit_stdio().inherit_network().arg(&argv0).args(&rest);
    for (k, v) in std::env::vars() {
        if !k.starts_with("DLRUN_") {
            wasi.env(&k, &v);
        }
    }
    for (guest, host) in &preopens {
        wasi.preopened_dir(host, guest, FsPerms::ReadWrite).with_context(|| format!("preopen {}", host.display()))?;
    }
    let state = State { wasi: wasi.build(), table: ResourceTable::new(), loader: loader::Loader::new(preopens) };
    let mut store = Store::new(&engine, state);
    let command = Command::instantiate(&mut store, &component, &linker)?;
    match command.wasi_cli_run().call_run(&mut store) {
        Ok(Ok(())) => Ok(0),
        Ok(Err(())) => Ok(1),
        Err(e) => {
            if let Some(exit) = e.downcast_ref::<wasmtime_wasi::I32Exit>() {
                return Ok(exit.0);
            }
            bail!(e)
        }
    }
}
