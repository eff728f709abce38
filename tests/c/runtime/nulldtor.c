/* A NULL __cxa_atexit registration in a plugin is skipped at dlclose (no call through table
 * index 0), the real one runs, and the program goes on. */
#include <dlfcn.h>
#include "check.h"

int main(void) {
    void *h = dlopen("./libnulldtor.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    CHECK(dlclose(h) == 0);
    printf("after dlclose\n");
    return CHECK_DONE();
}
