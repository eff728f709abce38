/* Interposition (issue 18 item 1): strong definitions in the main program (exported with
 * -rdynamic) win over a library's weak ones, for its calls, its function addresses and its
 * data. dlsym(handle) still searches the library's own scope. Same transcript natively. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

/* Link-time mode (LINKTIME) binds every import when the component is linked and has the
 * differences docs/linktime.md lists: those lines are printed there, checked here. */
#ifdef LINKTIME
#define CHECK_RT(cond) printf("%s: %s\n", #cond, (cond) ? "yes" : "no")
#else
#define CHECK_RT(cond) CHECK(cond)
#endif

typedef int (*int_fn)(int);

int helper(int x) { return x * 100; }
int weak_counter = 7;

int main(void) {
    void *h = dlopen("./libselfweak.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int_fn call_helper = (int_fn)dlsym(h, "call_helper");
    void *(*helper_addr)(void) = (void *(*)(void))dlsym(h, "helper_addr");
    int *(*counter_addr)(void) = (int *(*)(void))dlsym(h, "counter_addr");
    int (*bump)(void) = (int (*)(void))dlsym(h, "bump");
    CHECK(call_helper && helper_addr && counter_addr && bump);
    printf("call_helper(1) = %d\n", call_helper(1));
    CHECK(helper_addr() == (void *)&helper);
    CHECK(counter_addr() == &weak_counter);
    int bumped = bump();
    printf("bump() = %d, main's weak_counter = %d\n", bumped, weak_counter);
    CHECK_RT(dlsym(RTLD_DEFAULT, "helper") == (void *)&helper);
    int_fn own = (int_fn)dlsym(h, "helper");
    CHECK(own && own != &helper && own(1) == 2);
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
