/* A library's destructor calls dlsym on its own handle during dlclose (issue 16 item 4); after
 * the dlclose the handle is stale. Same transcript natively with glibc. */
#include <dlfcn.h>
#include "check.h"

int main(void) {
    void *h = dlopen("./libdtor_dlsym.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    void (*set_self)(void *) = (void (*)(void *))dlsym(h, "set_self");
    CHECK(set_self != NULL);
    set_self(h);
    CHECK(dlclose(h) == 0);
    printf("after dlclose\n");
    return CHECK_DONE();
}
