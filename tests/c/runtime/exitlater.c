/* A plugin's __cxa_atexit registrations made after dlopen, and never undone by dlclose, run
 * when the program exits: last registered first, after main returns. */
#include <dlfcn.h>
#include "check.h"

int main(void) {
    void *h = dlopen("./libexitlater.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    void (*remember)(const char *) = (void (*)(const char *))dlsym(h, "remember");
    CHECK(remember != NULL);
    remember("first");
    remember("second");
    printf("returning from main\n");
    return CHECK_DONE();
}
