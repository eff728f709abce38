/* Included into every CRuby translation unit (ports/ruby/build: -include in CPPFLAGS). */
#ifndef WASM_LIBDL_RUBY_WASI_SHIMS_H
#define WASM_LIBDL_RUBY_WASI_SHIMS_H
#ifndef _WASI_EMULATED_MMAN
#define _WASI_EMULATED_MMAN
#endif
#include <stddef.h>
#include <sys/mman.h>
/* cont.c protects a guard page below each fiber stack with PROT_NONE. Linear memory has no
 * page protection: Ruby's wasm/missing.c defines a weak mprotect that does nothing, but a
 * program that hosts plugins links all of wasi-libc's emulated mman, whose mprotect rejects
 * PROT_NONE (EINVAL) and wins over a weak definition. Init_Cont then raises before FiberError
 * exists, and ruby_setup fails with "TypeError: wrong argument type false (expected Class)".
 * Renamed, Ruby's own definition (and every call) is Ruby's no-op again. */
int rb_wasi_mprotect(const void *addr, size_t len, int prot);
#define mprotect rb_wasi_mprotect
#endif
