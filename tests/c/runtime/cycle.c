/* A dependency cycle (a needs b needs a) loads as on Linux: each library calls the other,
 * constructors run once, and closing the last handle unloads both. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *a = dlopen("./libcyc_a.so", RTLD_NOW);
    if (!a) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*entry)(int) = (int (*)(int))dlsym(a, "a_entry");
    int *(*calls_addr)(void) = (int *(*)(void))dlsym(a, "a_calls_address");
    int *a_calls = dlsym(a, "a_calls");
    CHECK(entry && calls_addr && a_calls);
    printf("a_entry(5) = %d\n", entry(5));
    printf("a_calls = %d\n", *a_calls);
    CHECK(calls_addr() == a_calls); /* b's GOT entry for a's data, set after a was instantiated */
    void *b = dlopen("./libcyc_b.so", RTLD_NOW | RTLD_NOLOAD);
    CHECK(b != NULL);
    CHECK(dlsym(b, "a_plus_one") == dlsym(a, "a_plus_one")); /* b's scope includes a */
    printf("dlclose(a) -> %d\n", dlclose(a));
    printf("dlclose(b) -> %d\n", dlclose(b));
    CHECK(dlopen("./libcyc_a.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("not loaded");
    CHECK(dlopen("./libcyc_b.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("not loaded");
    return CHECK_DONE();
}
