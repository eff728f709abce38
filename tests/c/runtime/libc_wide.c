/* A program that calls almost nothing of libc dlopens a plugin that calls much of it (issue 18
 * item 2): every libc function and data object is there for plugins. Same transcript
 * natively with glibc. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *h = dlopen("./liblibc_wide.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*exercise)(void) = (int (*)(void))dlsym(h, "exercise");
    CHECK(exercise && exercise() == 0);
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
