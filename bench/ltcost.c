/* What link-time mode itself costs ordinary code, no dlopen involved: built as a plain
 * program and with bin/wasm32-wasip2-link (a PIC main module in a `component link`ed
 * component, whose stack pointer is an imported global and whose libc is another instance).
 * Prints the ms of calls with stack frames (a recursion whose frames hold an array) and of
 * calls into libc (strlen), then checksums. */
#include <stdio.h>
#include <string.h>
#include <time.h>

static double ms(struct timespec a, struct timespec b) {
    return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

__attribute__((noinline)) static int frames(int n, volatile int *up) {
    int local[4] = {n, n, n, n};
    up[0] = local[n & 3];
    return n < 2 ? n : frames(n - 1, local) + frames(n - 2, local);
}

__attribute__((noinline)) static size_t libc_calls(const char *s, int n) {
    size_t t = 0;
    for (int i = 0; i < n; i++) t += strlen(s + (i & 7));
    return t;
}

int main(void) {
    struct timespec a, b, c;
    volatile int sink[4];
    clock_gettime(CLOCK_MONOTONIC, &a);
    int f = frames(30, sink);
    clock_gettime(CLOCK_MONOTONIC, &b);
    size_t t = libc_calls("hello world, this is a test", 5000000);
    clock_gettime(CLOCK_MONOTONIC, &c);
    printf("%.3f %.3f %d %zu\n", ms(a, b), ms(b, c), f, t);
    return 0;
}
