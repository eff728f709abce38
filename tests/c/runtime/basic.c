/* dlopen, dlsym of functions and data, calls, dlclose with constructor and destructor. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *h = dlopen("./libbasic.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    CHECK(dlerror() == NULL);
    int (*add)(int) = (int (*)(int))dlsym(h, "add_counter");
    int (*ctors)(void) = (int (*)(void))dlsym(h, "times_constructed");
    int (*fmt)(char *, int) = (int (*)(char *, int))dlsym(h, "sort_and_format");
    int *counter = dlsym(h, "counter");
    const char **greeting = dlsym(h, "greeting");
    CHECK(add && ctors && fmt && counter && greeting);
    printf("add_counter(1) = %d\n", add(1));
    *counter = 100;
    printf("add_counter(1) = %d after writing counter through dlsym\n", add(1));
    printf("greeting = %s\n", *greeting);
    char buf[64];
    printf("sort_and_format -> %d \"%s\"\n", fmt(buf, sizeof buf), buf);
    CHECK(ctors() == 1);
    CHECK(dlsym(h, "no_such_symbol") == NULL);
    CHECK_ERROR("libbasic.so: undefined symbol: no_such_symbol");
    printf("dlclose -> %d\n", dlclose(h));
    return CHECK_DONE();
}
