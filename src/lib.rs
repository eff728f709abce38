//! wasm-libdl: `dlopen`, `dlsym`, `dlclose` and `dlerror` for WebAssembly.
//!
//! The crate is a guest-side dynamic linker for side modules in the `dylink.0` format
//! (tool-conventions `DynamicLinking.md`). All policy lives here; the host only provides the
//! primitives of the `wasi:module-loader` draft in `wit/` (see [`host::Host`]).
//!
//! Module map:
//! - [`capi`]: the thin `extern "C"` layer (`dlfcn.h` is generated from it by `build.rs`).
//! - [`linker`]: loading, binding, scopes, refcounts — generic over [`host::Host`].
//! - [`reader`]: the binary reader every parser of module bytes shares (LEB128, names,
//!   [`reader::ParseError`] with byte offsets). [`dylink`]: the `dylink.0` parser.
//!   [`sections`]: a module's import and export sections and the custom sections the linker
//!   reads (`name`, `target_features`). [`search`]: library search paths.
//! - [`handles`]: generational handle table. [`symbols`]: per-library symbol tables, over
//!   `index` (one open-addressing hash index) and `hash` (one hash function).
//! - [`error`]: the typed errors `dlerror` reports. [`flags`]: `RTLD_*`.
//! - `text`: a tiny message writer, in place of `core::fmt`, which would be most of
//!   `libdl.so`'s code.
//! - [`linktime`]: the library table of components made by `wasm-tools component link`.
//! - `model` (tests and the `model` feature only): an in-memory host for tests and fuzzing.
//! - `loader` / `runtime` (wasm only): the `wasi:module-loader` bindings, the process-wide
//!   state and the allocator.
//!
//! Cargo features: `runtime-loader` (default) imports `wasi:module-loader` and loads side
//! modules at run time; `linktime` serves `dlopen` from the link-time library table (for the
//! `libdl.so` given to `wasm-tools component link`). See `scripts/build-libdl`.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod dylink;
pub mod error;
pub mod flags;
pub mod handles;
mod hash;
pub mod host;
mod index;
pub mod linker;
pub mod linkmap;
pub mod linktime;
#[cfg(any(test, feature = "model"))]
pub mod model;
pub mod reader;
pub mod search;
pub mod sections;
pub mod symbols;

mod text;

#[cfg(target_arch = "wasm32")]
pub mod capi;
#[cfg(all(target_arch = "wasm32", feature = "runtime-loader"))]
mod loader;
#[cfg(target_arch = "wasm32")]
mod runtime;

#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
