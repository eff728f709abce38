/* A bundled library with a NEEDED dependency: the dependency is bundled too (and
 * dl-openable), both share one instance of its data, and a library can call dlopen. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    printf("main starts\n");
    void *a = dlopen("liba.so", RTLD_NOW);
    CHECK(a != NULL);
    if (!a) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*calls_b)(int) = (int (*)(int))dlsym(a, "a_calls_b");
    void (*set_b)(int) = (void (*)(int))dlsym(a, "a_set_b_value");
    int (*opens_b)(void) = (int (*)(void))dlsym(a, "a_opens_b");
    CHECK(calls_b && set_b && opens_b);
    if (!(calls_b && set_b && opens_b)) return 1;
    printf("a_calls_b(3) = %d\n", calls_b(3));

    void *b = dlopen("libb.so", RTLD_NOW);
    CHECK(b != NULL && b != a);
    int *b_value = b ? dlsym(b, "b_value") : NULL;
    int (*b_times)(int) = b ? (int (*)(int))dlsym(b, "b_times") : NULL;
    CHECK(b_value && b_times);
    if (!(b_value && b_times)) return 1;
    set_b(7);
    printf("after a_set_b_value(7): b_value = %d, b_times(3) = %d, a_calls_b(3) = %d\n",
           *b_value, b_times(3), calls_b(3));
    *b_value = 9;
    printf("after writing b_value = 9: a_opens_b() = %d, a_calls_b(1) = %d\n", opens_b(), calls_b(1));
    CHECK(dlclose(b) == 0);
    CHECK(dlclose(a) == 0);
    return CHECK_DONE();
}
