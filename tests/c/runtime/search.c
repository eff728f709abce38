/* Search order for a bare name: the current directory, then LD_LIBRARY_PATH (set by the test
 * to "missing-dir:libs"); a name with a slash is only ever a path. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *h = dlopen("libsearch.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*f)(void) = (int (*)(void))dlsym(h, "search_value");
    CHECK(f && f() == 7);
    /* It was loaded as libs/libsearch.so. */
    CHECK(dlopen("libs/libsearch.so", RTLD_NOW | RTLD_NOLOAD) == h);
    CHECK(dlclose(h) == 0);
    CHECK(dlclose(h) == 0);
    CHECK(dlopen("./libsearch.so", RTLD_NOW) == NULL);
    CHECK_ERROR("./libsearch.so: cannot open shared object file: No such file or directory");
    CHECK(dlopen("libsearch.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("libsearch.so: not loaded");
    return CHECK_DONE();
}
