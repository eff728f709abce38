/* Libraries still open when main returns: their destructors run at exit, dependents before
 * their dependencies (liba before libb), the most recently loaded first (libinner). */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    /* Take and free a handle slot first, so slot order differs from load order. */
    void *t = dlopen("./libinner.so", RTLD_NOW);
    CHECK(t && dlclose(t) == 0);
    void *a = dlopen("./liba.so", RTLD_NOW);
    void *i = dlopen("./libinner.so", RTLD_NOW);
    CHECK(a != NULL && i != NULL);
    printf("returning from main\n");
    return CHECK_DONE();
}
