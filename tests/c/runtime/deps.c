/* NEEDED dependencies: load order, constructor/destructor order, local scope, unloading. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *a = dlopen("./liba.so", RTLD_NOW | RTLD_LOCAL);
    if (!a) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*af)(int) = (int (*)(int))dlsym(a, "a_function");
    int (*bf)(int) = (int (*)(int))dlsym(a, "b_function");
    CHECK(af && bf);
    printf("a_function(10) = %d, b_function(10) via liba's handle = %d\n", af(10), bf(10));

    /* The dependency is loaded (under the name NEEDED gave it) and has its own handle. */
    void *b = dlopen("./libb.so", RTLD_NOW | RTLD_NOLOAD);
    CHECK(b != NULL && b != a);
    CHECK(dlsym(b, "b_function") == (void *)bf);
    CHECK(dlsym(b, "a_function") == NULL);
    CHECK_ERROR("libb.so: undefined symbol: a_function");
    CHECK(dlclose(b) == 0);

    /* RTLD_LOCAL: neither library is in the global scope. */
    CHECK(dlsym(RTLD_DEFAULT, "a_function") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: a_function");
    CHECK(dlsym(RTLD_DEFAULT, "b_function") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: b_function");
    CHECK(dlsym(dlopen(NULL, RTLD_NOW), "b_function") == NULL);
    CHECK_ERROR("undefined symbol: b_function");

    printf("dlclose(liba)\n");
    CHECK(dlclose(a) == 0);
    CHECK(dlopen("./liba.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("liba.so: not loaded");
    CHECK(dlopen("./libb.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("libb.so: not loaded");
    return CHECK_DONE();
}
