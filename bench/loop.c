/* A memory-bound compute loop with no dlopen at all: what guest_debug (which the wasmtime
 * host of wasi:module-loader needs, docs/wasmtime.md) costs ordinary wasm code. Prints the
 * loop's time in ms and a checksum. */
#include <stdio.h>
#include <time.h>

static unsigned data[1 << 16];

int main(void) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    unsigned h = 1;
    for (int r = 0; r < 400; r++) {
        for (int i = 0; i < (1 << 16); i++) {
            data[i] = data[(i * 7) & 0xffff] + h;
            h = h * 31 + data[i];
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.3f %u\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6, h);
    return 0;
}
