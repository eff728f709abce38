/* A library is identified by its file, not its name (issue 18 item 4): a symlink and a hard
 * link to a loaded library give the same handle and the same library (one copy of its data,
 * constructors once), RTLD_NOLOAD included; a copy of the file is another library. The test
 * makes alias.so (a symlink) and hard.so (a hard link) of libident.so, and copy.so. Same
 * transcript natively with glibc. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *h = dlopen("./libident.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int *loads = (int *)dlsym(h, "loads");
    CHECK(loads && *loads == 1);
    CHECK(dlopen("./alias.so", RTLD_NOW | RTLD_NOLOAD) == h);
    void *alias = dlopen("./alias.so", RTLD_NOW);
    void *hard = dlopen("./sub/../hard.so", RTLD_LAZY);
    CHECK(alias == h && hard == h);
    CHECK(dlsym(alias, "loads") == loads);
    printf("libident.so constructed %d time(s)\n", *loads);
    void *copy = dlopen("./copy.so", RTLD_NOW);
    CHECK(copy && copy != h);
    CHECK(copy && dlsym(copy, "loads") != loads);
    /* four opens of the one library (NOLOAD counts), each closed */
    for (int i = 0; i < 4; i++) CHECK(dlclose(h) == 0);
    CHECK(dlopen("./alias.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK(copy && dlclose(copy) == 0);
    printf("unloaded\n");
    return CHECK_DONE();
}
