# Shared setup of the toolchain wrappers (bin/wasm32-wasip2-clang, bin/wasm32-wasip2-link):
# the toolchain paths, the pinned versions (share/toolchain.env), the clang to run, and `die`.
# Source it with ROOT (the checkout) and TOOL (the wrapper's name for messages) set.
# shellcheck shell=bash

TC="$ROOT/.toolchain"
LLVM_BIN=/usr/lib/llvm-19/bin
# shellcheck source=toolchain.env
source "$ROOT/share/toolchain.env"
# The wasi-libc sysroot scripts/setup unpacked (Debian's package layout).
WASI_LIBC="$TC/wasi-libc-$WASI_LIBC_VERSION/usr"

if command -v clang-19 >/dev/null 2>&1; then
    CLANG=clang-19
else
    CLANG="$LLVM_BIN/clang"
fi

die() { echo "$TOOL: $*" >&2; exit 1; }

# export_list ARCHIVE...: one wasm-ld `--export-if-defined=NAME` line per symbol the archives
# define, sorted: the export lists of a program that hosts side modules (all of libc,
# libsetjmp, libc++), derived from the archives rather than kept by hand.
export_list() {
    "$LLVM_BIN/llvm-nm" --defined-only --extern-only --format=just-symbols "$@" 2>/dev/null |
        grep -v -e '^$' -e ':$' | sort -u | sed 's/^/--export-if-defined=/'
}

# libc++ (with libc++abi, libunwind and the `__cpp_exception` tag in one archive) for
# bin/wasm32-wasip2-clang++ and bin/wasm32-wasip2-link: ports/libcxx/build makes it,
# scripts/setup links it here.
LIBCXX="$TC/libcxx"
need_libcxx() {
    [[ -f $LIBCXX/lib/libc++.a ]] ||
        die "$LIBCXX missing (run scripts/setup: it builds libc++ with ports/libcxx/build)"
}

# libcxx_exports: prints the path of a wasm-ld response file exporting every symbol libc++.a
# defines (made once per build of it), for programs that host C++ side modules.
libcxx_exports() {
    local rsp=$TC/libcxx-exports.rsp
    if [[ ! -s $rsp || $rsp -ot $LIBCXX/lib/libc++.a ]]; then
        export_list "$LIBCXX/lib/libc++.a" >"$rsp.tmp.$$"
        mv -f "$rsp.tmp.$$" "$rsp"
    fi
    echo "$rsp"
}

# to_exnref IN OUT: clang-19's legacy exception-handling instructions (try/catch/throw, what
# setjmp/longjmp compiles to), which neither host runs, translated by binaryen (tools/,
# scripts/setup) to the standard ones (exnref: try_table/throw_ref) that wasmtime with
# exceptions on and the reference host's Node run. Core modules only (side modules included).
WASM_OPT=$ROOT/tools/node_modules/.bin/wasm-opt
to_exnref() {
    [[ -x $WASM_OPT ]] || die "$WASM_OPT missing (run scripts/setup)"
    "$WASM_OPT" --translate-to-exnref -g "$1" -o "$2" || die "wasm-opt --translate-to-exnref failed on $1"
}
