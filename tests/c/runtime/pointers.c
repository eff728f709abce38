/* Function pointers are table indices with one slot per function: dlsym's value, the library's
 * own &fn, a pointer in its data and main's &fn all agree. Built with -rdynamic. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main_fn(int x) { return x + 5; }

int main(void) {
    void *h = dlopen("./libptr.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    void *target = dlsym(h, "ptr_target");
    void *(*self)(void) = (void *(*)(void))dlsym(h, "ptr_self");
    int (**stored)(int) = (int (**)(int))dlsym(h, "ptr_stored");
    int (*is_main_fn)(int (*)(int)) = (int (*)(int (*)(int)))dlsym(h, "ptr_is_main_fn");
    void *(*lib_main_fn)(void) = (void *(*)(void))dlsym(h, "ptr_main_fn");
    int (*call)(int (*)(int), int) = (int (*)(int (*)(int), int))dlsym(h, "ptr_call");
    CHECK(target && self && stored && is_main_fn && lib_main_fn && call);

    CHECK(self() == target);
    CHECK((void *)*stored == target);
    CHECK(dlsym(h, "ptr_target") == target);
    CHECK(is_main_fn(main_fn));
    CHECK(!is_main_fn((int (*)(int))target));
    CHECK(lib_main_fn() == (void *)&main_fn);
    CHECK(dlsym(RTLD_DEFAULT, "main_fn") == (void *)&main_fn);
    printf("ptr_target(2) through dlsym = %d, through the stored pointer = %d\n",
           ((int (*)(int))target)(2), (*stored)(2));
    printf("ptr_call(main_fn, 1) = %d, ptr_call(ptr_target, 1) = %d\n",
           call(main_fn, 1), call((int (*)(int))target, 1));
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
