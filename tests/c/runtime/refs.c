/* Reference counts: same handle on reopen, constructor once, destructor at the last dlclose,
 * closed handles rejected, RTLD_NOLOAD, RTLD_NODELETE. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *h1 = dlopen("./librefs.so", RTLD_NOW);
    void *h2 = dlopen("librefs.so", RTLD_LAZY);
    void *h3 = dlopen("./sub/../librefs.so", RTLD_NOW | RTLD_NOLOAD);
    CHECK(h1 != NULL);
    CHECK(h2 == h1);
    CHECK(h3 == h1);
    int (*constructed)(void) = (int (*)(void))dlsym(h1, "refs_constructed");
    CHECK(constructed && constructed() == 1);
    printf("dlclose 1 of 3 -> %d\n", dlclose(h3));
    printf("dlclose 2 of 3 -> %d\n", dlclose(h2));
    CHECK(dlsym(h1, "refs_constructed") == (void *)constructed);
    printf("dlclose 3 of 3:\n");
    CHECK(dlclose(h1) == 0);
    CHECK(dlclose(h1) == -1);
    CHECK_ERROR("invalid handle");
    CHECK(dlsym(h1, "refs_constructed") == NULL);
    CHECK_ERROR("invalid handle");

    /* RTLD_NOLOAD never loads, even when the file exists. */
    CHECK(dlopen("./librefs.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("./librefs.so: not loaded");
    CHECK(dlopen("./librefs.so", RTLD_LAZY | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("./librefs.so: not loaded");

    /* Loading again after unloading constructs it afresh, under a new handle. */
    void *h4 = dlopen("./librefs.so", RTLD_NOW);
    CHECK(h4 != NULL && h4 != h1);
    CHECK(dlsym(h1, "refs_constructed") == NULL);
    CHECK_ERROR("invalid handle");
    constructed = (int (*)(void))dlsym(h4, "refs_constructed");
    CHECK(constructed && constructed() == 1);
    CHECK(dlclose(h4) == 0);

    /* RTLD_NODELETE: the last dlclose keeps the library and its state. */
    void *n = dlopen("./libnodelete.so", RTLD_NOW | RTLD_NODELETE);
    CHECK(n != NULL);
    int (*count)(void) = (int (*)(void))dlsym(n, "nd_count");
    CHECK(count && count() == 1);
    printf("dlclose(libnodelete) -> %d\n", dlclose(n));
    CHECK(count() == 2);
    CHECK(dlopen("./libnodelete.so", RTLD_NOW | RTLD_NOLOAD) == n);
    CHECK(dlsym(n, "nd_count") == (void *)count);
    CHECK(dlclose(n) == 0);
    CHECK(count() == 3);
    printf("end of main\n");
    return CHECK_DONE();
}
