/* The main program's own symbols (built with -rdynamic): dlsym(dlopen(NULL)) finds them and a
 * side module links against them. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main_value = 17;
int main_func(int x) { return x + main_value; }

int main(void) {
    void *self = dlopen(NULL, RTLD_NOW);
    CHECK(self != NULL);
    CHECK(dlsym(self, "main_value") == (void *)&main_value);
    CHECK(dlsym(self, "main_func") == (void *)&main_func);
    CHECK(dlsym(RTLD_DEFAULT, "main_value") == (void *)&main_value);

    void *h = dlopen("./libmainsym.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*uses)(int) = (int (*)(int))dlsym(h, "lib_uses_main");
    int *(*addr)(void) = (int *(*)(void))dlsym(h, "lib_main_value_addr");
    CHECK(uses && addr);
    CHECK(addr() == &main_value);
    printf("lib_uses_main(1) = %d\n", uses(1));
    printf("main_value = %d\n", main_value);
    main_value = 100;
    printf("lib_uses_main(1) = %d\n", uses(1));
    CHECK(dlclose(h) == 0);
    CHECK(dlclose(self) == 0);
    return CHECK_DONE();
}
