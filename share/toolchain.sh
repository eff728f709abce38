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
