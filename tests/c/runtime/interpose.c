/* Interposition (issue 18 item 1): strong definitions in the main program (exported with
 * -rdynamic) win over a library's weak ones, for its calls, its function addresses and its
 * data. dlsym(handle) still searches the library's own scope. Same transcript natively. */
#include <stdlib.h>
#include "selfweak.h"

int helper(int x) { return x * 100; }
int weak_counter = 7;

int main(void) {
    struct selfweak w;
    void *h = open_selfweak("./libselfweak.so", &w);
    int_fn call_helper = w.call_helper;
    printf("call_helper(1) = %d\n", call_helper(1));
    CHECK(w.helper_addr() == (void *)&helper);
    CHECK(w.counter_addr() == &weak_counter);
    int bumped = w.bump();
    printf("bump() = %d, main's weak_counter = %d\n", bumped, weak_counter);
    CHECK(dlsym(RTLD_DEFAULT, "helper") == (void *)&helper);
    int_fn own = (int_fn)dlsym(h, "helper");
    CHECK(own && own != &helper && own(1) == 2);
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
