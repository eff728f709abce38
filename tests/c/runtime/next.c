/* RTLD_NEXT: the dlfcn.h macro passes the caller's __dso_handle, so the search starts after
 * the calling module. main itself does not define hook. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *h1 = dlopen("./libnext1.so", RTLD_NOW | RTLD_GLOBAL);
    void *h2 = dlopen("./libnext2.so", RTLD_NOW | RTLD_GLOBAL);
    if (!h1 || !h2) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*hook1)(void) = (int (*)(void))dlsym(h1, "hook");
    int (*hook2)(void) = (int (*)(void))dlsym(h2, "hook");
    CHECK(hook1 && hook2 && hook1 != hook2);
    CHECK(dlsym(RTLD_NEXT, "hook") == (void *)hook1);
    CHECK(dlsym(RTLD_DEFAULT, "hook") == (void *)hook1);
    printf("libnext1 hook() = %d, libnext2 hook() = %d\n", hook1(), hook2());
    int (*last)(void) = (int (*)(void))dlsym(h2, "next_after_last_is_null");
    CHECK(last && last() == 1);
    CHECK_ERROR("RTLD_NEXT: undefined symbol: hook");
    CHECK(dlsym(RTLD_NEXT, "no_such_hook") == NULL);
    CHECK_ERROR("RTLD_NEXT: undefined symbol: no_such_hook");
    CHECK(dlclose(h2) == 0);
    printf("without libnext2: hook() = %d\n", hook1());
    CHECK(dlclose(h1) == 0);
    return CHECK_DONE();
}
