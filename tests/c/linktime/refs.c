/* Reference counts in link-time mode: RTLD_NOLOAD finds a bundled library only once it has
 * been opened (as in runtime mode: bundled is not loaded), reopening gives the same handle, dlclose balances dlopen, an extra dlclose fails,
 * and the library is never unloaded (like RTLD_NODELETE): state survives, no constructor or
 * destructor runs on dlopen/dlclose. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    printf("main starts\n");
    /* A bundled library is instantiated when the component starts (its constructor has run),
     * but for the program it is loaded at its first dlopen. */
    CHECK(dlopen("librefs.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("librefs.so: not loaded (RTLD_NOLOAD)");
    void *h1 = dlopen("librefs.so", RTLD_NOW);
    void *h0 = dlopen("librefs.so", RTLD_NOW | RTLD_NOLOAD);
    void *h2 = dlopen("./librefs.so", RTLD_LAZY);
    void *h3 = dlopen("librefs.so", RTLD_NOW | RTLD_NOLOAD);
    void *h4 = dlopen("librefs.so", RTLD_NOW | RTLD_NODELETE);
    CHECK(h1 != NULL);
    CHECK(h0 == h1 && h2 == h1 && h3 == h1 && h4 == h1);
    int (*constructed)(void) = (int (*)(void))dlsym(h1, "refs_constructed");
    int (*call)(void) = (int (*)(void))dlsym(h1, "refs_call");
    CHECK(constructed && call);
    if (!(constructed && call)) return 1;
    CHECK(constructed() == 1);
    printf("refs_call() = %d\n", call());
    printf("dlclose 1 of 5 -> %d\n", dlclose(h0));
    printf("dlclose 2 of 5 -> %d\n", dlclose(h4));
    printf("dlclose 3 of 5 -> %d\n", dlclose(h3));
    printf("dlclose 4 of 5 -> %d\n", dlclose(h2));
    CHECK(dlsym(h1, "refs_call") == (void *)call);
    printf("dlclose 5 of 5 -> %d\n", dlclose(h1));

    /* One dlclose too many. */
    CHECK(dlclose(h1) == -1);
    CHECK_ERROR("not an open library");

    /* Still in memory: the functions work and keep their state. */
    printf("refs_call() = %d after the last dlclose\n", call());

    /* Reopening gives the same handle, runs no constructor, and sees the same state. */
    void *again = dlopen("librefs.so", RTLD_NOW);
    CHECK(again == h1);
    CHECK(dlsym(again, "refs_call") == (void *)call);
    CHECK(constructed() == 1);
    printf("refs_call() = %d after reopening\n", call());
    CHECK(dlclose(again) == 0);
    CHECK(dlclose(again) == -1);
    CHECK_ERROR("not an open library");

    /* RTLD_NOLOAD of a name that is not bundled. */
    CHECK(dlopen("libabsent.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK(dlerror() != NULL);
    CHECK(dlerror() == NULL);
    printf("end of main\n");
    return CHECK_DONE();
}
