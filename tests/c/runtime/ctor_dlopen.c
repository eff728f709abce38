/* A constructor that calls dlopen (and a destructor that calls dlclose). */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *h = dlopen("./libouter.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int *result = dlsym(h, "outer_result");
    CHECK(result && *result == 99);
    void *inner = dlopen("./libinner.so", RTLD_NOW | RTLD_NOLOAD);
    CHECK(inner != NULL);
    CHECK(inner && dlclose(inner) == 0);
    printf("dlclose(libouter):\n");
    CHECK(dlclose(h) == 0);
    CHECK(dlopen("./libinner.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("not loaded");
    /* And again: everything was unloaded, so the constructors run anew. */
    h = dlopen("./libouter.so", RTLD_NOW);
    CHECK(h != NULL);
    CHECK(h && dlclose(h) == 0);
    return CHECK_DONE();
}
