exclude :test_states, "generating a 100-deep array raises NestingError from ~100 frames of the recursive generator: the asyncify unwind buffer (24 KiB, ruby.wasm's size) overflows, a trap in the static build too"
exclude :test_gc, "spawns a Ruby subprocess (assert_separately): WASI has no processes"
