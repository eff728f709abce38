/* RTLD_LOCAL vs RTLD_GLOBAL: dlsym(RTLD_DEFAULT), dlsym(dlopen(NULL)), symbol resolution of
 * later libraries, promotion LOCAL -> GLOBAL, and the first GLOBAL definition winning. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *self = dlopen(NULL, RTLD_NOW);
    CHECK(self != NULL);

    /* Opened RTLD_LOCAL: invisible to RTLD_DEFAULT and to later libraries. */
    void *p = dlopen("./libprovider.so", RTLD_NOW | RTLD_LOCAL);
    CHECK(p != NULL);
    CHECK(dlsym(p, "provided") != NULL);
    CHECK(dlsym(RTLD_DEFAULT, "provided") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: provided");
    CHECK(dlsym(self, "provided") == NULL);
    CHECK_ERROR("undefined symbol: provided");
    CHECK(dlopen("./libuser.so", RTLD_NOW) == NULL);
    CHECK_ERROR("libuser.so: undefined symbol: provided");
    CHECK(dlopen("./libuser.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK_ERROR("not loaded");

    /* Promotion: RTLD_NOLOAD | RTLD_GLOBAL on the loaded library. */
    void *p2 = dlopen("./libprovider.so", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
    CHECK(p2 == p);
    void *provided = dlsym(p, "provided");
    CHECK(dlsym(RTLD_DEFAULT, "provided") == provided);
    CHECK(dlsym(self, "provided") == provided);
    void *u = dlopen("./libuser.so", RTLD_NOW);
    CHECK(u != NULL);
    int (*use)(int) = (int (*)(int))dlsym(u, "use_provided");
    CHECK(use != NULL);
    if (use) printf("use_provided(1) = %d\n", use(1));

    /* A library opened RTLD_GLOBAL directly; a duplicate name: the first GLOBAL one wins. */
    void *d = dlopen("./libdup.so", RTLD_NOW | RTLD_GLOBAL);
    CHECK(d != NULL);
    CHECK(dlsym(RTLD_DEFAULT, "only_in_dup") == dlsym(d, "only_in_dup"));
    CHECK(dlsym(self, "only_in_dup") == dlsym(d, "only_in_dup"));
    int (*dup_default)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "dup_sym");
    int (*dup_self)(void) = (int (*)(void))dlsym(self, "dup_sym");
    int (*dup_d)(void) = (int (*)(void))dlsym(d, "dup_sym");
    CHECK(dup_default && dup_self && dup_d);
    printf("dup_sym: RTLD_DEFAULT -> %d, dlopen(NULL) -> %d, libdup handle -> %d\n",
           dup_default(), dup_self(), dup_d());

    /* Unloading a GLOBAL library takes it out of the global scope. */
    CHECK(dlclose(d) == 0);
    CHECK(dlsym(RTLD_DEFAULT, "only_in_dup") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: only_in_dup");
    CHECK(dlclose(u) == 0);
    CHECK(dlclose(p2) == 0);
    CHECK(dlclose(p) == 0);
    CHECK(dlsym(RTLD_DEFAULT, "provided") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: provided");
    return CHECK_DONE();
}
