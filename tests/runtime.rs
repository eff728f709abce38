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
