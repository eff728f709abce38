/* Weak imports: unresolved ones are NULL (checked before use), resolved ones work.
 * Built with -rdynamic so weak_main_* are exported. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int weak_main_data = 5;
int weak_main_fn(void) { return 6; }

int main(void) {
    void *h = dlopen("./libweak.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
#define F(name) ((int (*)(void))dlsym(h, name))
    CHECK(F("weak_data_is_null") && F("weak_data_is_null")() == 1);
    CHECK(F("weak_fn_is_null") && F("weak_fn_is_null")() == 1);
    CHECK(F("call_weak_fn") && F("call_weak_fn")() == -1);
    CHECK(F("read_weak_data") && F("read_weak_data")() == -1);
    int *(*data_addr)(void) = (int *(*)(void))dlsym(h, "weak_main_data_addr");
    void *(*fn_addr)(void) = (void *(*)(void))dlsym(h, "weak_main_fn_addr");
    CHECK(data_addr && data_addr() == &weak_main_data);
    CHECK(fn_addr && fn_addr() == (void *)&weak_main_fn);
    CHECK(F("call_weak_main_fn") && F("call_weak_main_fn")() == 6);
    printf("unresolved weak symbols are NULL; weak references to main's symbols resolve\n");
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
