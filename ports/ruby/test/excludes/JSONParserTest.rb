exclude :test_nesting, "rb_raise leaves ~100 frames of the recursive parser: the asyncify unwind buffer (24 KiB, ruby.wasm's size) overflows, a trap in the static build too"
