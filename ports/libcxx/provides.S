# `__wasm_libdl_provides:libc++.so`, a one-byte datum whose export says "this program provides
# libc++.so": libdl then resolves a NEEDED `libc++.so` (what C++ side modules list, for programs
# without a libc++) to the program itself, which links libc++ whole and exports it, instead of
# loading a second libc++ (src/linker/mod.rs, PROVIDES). In libc++.a, where only a whole-archive
# link (a program that hosts plugins) takes it.
	.section	.rodata.__wasm_libdl_provides,"",@
	.globl	"__wasm_libdl_provides:libc++.so"
"__wasm_libdl_provides:libc++.so":
	.int8	0
	.size	"__wasm_libdl_provides:libc++.so", 1
