/* A C program that loads a side module written in Rust (tests/rust/plugin). */
#include <dlfcn.h>
#include "check.h"

static int square(int x) { return x * x; }

int main(void) {
    void *h = dlopen("./librust_plugin.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    size_t (*greet)(const char *) = (size_t (*)(const char *))dlsym(h, "rust_greet");
    int (*sum)(int (*)(int), int) = (int (*)(int (*)(int), int))dlsym(h, "rust_sum");
    CHECK(greet && sum);
    printf("main: %zu greetings\n", greet("wasm"));
    printf("main: %zu greetings\n", greet("again"));
    printf("main: sum of squares below 10 = %d\n", sum(square, 10));
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
