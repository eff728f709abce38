//! The linker's own work, natively, against the in-memory model host: for counting
//! instructions with callgrind, which is repeatable where timings on a shared machine are not
//! (see `bench/README.md`). The model stands in for every host call, so what is counted is
//! the guest side: parsing, symbol tables, binding, scopes.
//!
//!     cargo build --release --features model --example linker_profile
//!     valgrind --tool=callgrind target/release/examples/linker_profile LIB.so OPENS LOOKUPS
//!
//! LIB.so is a side module (e.g. `build/bench/wasm/libbig1000.so` after `bin/bench`). The
//! program opens it (RTLD_NOW) and closes it OPENS times, then opens it once more and looks
//! up each of its exported function names round robin, last first (the first lookups scan
//! the export section: the last name is their worst case), LOOKUPS times in all. It prints the
//! instruction-free facts (counts) so a run can be checked; callgrind supplies the numbers.

use dl::linker::Scope;
use dl::model::{open, raw, setup, wasm, NOW};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: linker_profile LIB.so OPENS LOOKUPS");
        std::process::exit(2);
    }
    let bytes = std::fs::read(&args[1]).expect("read the side module");
    let opens: usize = args[2].parse().expect("OPENS");
    let lookups: usize = args[3].parse().expect("LOOKUPS");
    let spec = wasm::parse(&bytes).expect("a module the model host accepts");
    let names: Vec<Vec<u8>> = spec
        .exports
        .iter()
        .filter(|(n, e)| *e == dl::model::Exp::Func && !n.starts_with("__"))
        .map(|(n, _)| n.clone().into_bytes())
        .collect();
    let (mut linker, _model) = setup(vec![("lib.so", spec)]);
    for _ in 0..opens {
        let o = open(&mut linker, "lib.so", NOW).expect("dlopen");
        let closing = linker.close(raw(&o)).expect("dlclose");
        linker.finish_close(&closing.libs);
    }
    let o = open(&mut linker, "lib.so", NOW).expect("dlopen");
    let mut found = 0usize;
    for i in 0..lookups {
        let name = &names[names.len() - 1 - i % names.len()];
        found += usize::from(linker.sym(Scope::Handle(raw(&o)), name).is_ok());
    }
    println!("{} opens, {} of {} lookups found ({} names)", opens + 1, found, lookups, names.len());
}
