/* Weak self-references (issue 18 item 1): a library calling and taking the address of its own
 * weak definitions binds them to itself, unless an earlier definition in the global scope
 * interposes (ELF: global scope first, then the library's local scope, which includes the
 * library itself). Same transcript natively with glibc. */
#include <stdlib.h>
#include "selfweak.h"

int main(void) {
    struct selfweak w;
    void *h = open_selfweak("./libselfweak.so", &w);
    int_fn call_helper = w.call_helper;
    printf("call_helper(1) = %d\n", call_helper(1));
    CHECK(w.helper_addr() == dlsym(h, "helper"));
    CHECK(w.counter_addr() == dlsym(h, "weak_counter"));
    int bumped = w.bump();
    printf("bump() = %d, weak_counter = %d\n", bumped, *(int *)dlsym(h, "weak_counter"));
    CHECK(dlsym(RTLD_DEFAULT, "helper") == NULL); /* local library: not in the global scope */

    /* A strong definition made global first interposes on a library loaded after it. */
    void *strong = dlopen("./libstrong_helper.so", RTLD_NOW | RTLD_GLOBAL);
    if (!strong) { printf("dlopen: %s\n", dlerror()); return 1; }
    struct selfweak w2;
    void *h2 = open_selfweak("./libselfweak2.so", &w2);
    int_fn call_helper2 = w2.call_helper;
    void *(*helper_addr2)(void) = w2.helper_addr;
    printf("after a global strong helper: call_helper(1) = %d (first copy: %d)\n", call_helper2(1), call_helper(1));
    CHECK_RT(helper_addr2() == dlsym(strong, "helper"));
    CHECK(helper_addr2() != dlsym(h2, "helper")); /* dlsym(h2) searches h2's own scope */
    CHECK(((int_fn)dlsym(h2, "helper"))(1) == 2);
    /* h2's import keeps the library it was bound to loaded (glibc's relocation dependencies):
     * closing that library's only handle unloads nothing. */
    CHECK(dlclose(strong) == 0);
    printf("after dlclose of the global library: call_helper(1) = %d\n", call_helper2(1));
    printf("dlclose of the library bound to it\n");
    CHECK(dlclose(h2) == 0 && dlclose(h) == 0);
    return CHECK_DONE();
}
