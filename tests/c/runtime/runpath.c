/* A NEEDED dependency found through the dependent's RUNPATH, with $ORIGIN expanded to the
 * dependent's directory (plugins/), not the current directory. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    CHECK(dlopen("libdep.so", RTLD_NOW) == NULL);
    CHECK_ERROR("libdep.so: cannot open shared object file");
    void *h = dlopen("./plugins/libtop.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*f)(void) = (int (*)(void))dlsym(h, "top_value");
    CHECK(f && f() == 42);
    void *dep = dlopen("plugins/deps/libdep.so", RTLD_NOW | RTLD_NOLOAD);
    CHECK(dep != NULL);
    CHECK(dep && dlclose(dep) == 0);
    CHECK(dlclose(h) == 0);
    CHECK(dlopen("plugins/deps/libdep.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("not loaded");
    return CHECK_DONE();
}
