/* RTLD_LOCAL vs RTLD_GLOBAL in link-time mode: bundled libraries are invisible to
 * dlsym(RTLD_DEFAULT) and dlsym(dlopen(NULL)) until opened RTLD_GLOBAL (or promoted with
 * RTLD_NOLOAD | RTLD_GLOBAL); then the first GLOBAL definition of a name wins. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    void *self = dlopen(NULL, RTLD_NOW);
    CHECK(self != NULL);
    CHECK(dlsym(RTLD_DEFAULT, "provided") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: provided");

    void *p = dlopen("libprovider.so", RTLD_NOW | RTLD_LOCAL);
    CHECK(p != NULL);
    void *provided = dlsym(p, "provided");
    CHECK(provided != NULL);
    CHECK(dlsym(RTLD_DEFAULT, "provided") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: provided");
    CHECK(dlsym(self, "provided") == NULL);
    CHECK_ERROR("undefined symbol: provided");

    /* Promotion. */
    void *p2 = dlopen("libprovider.so", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
    CHECK(p2 == p);
    CHECK(dlsym(RTLD_DEFAULT, "provided") == provided);
    CHECK(dlsym(self, "provided") == provided);
    int (*f)(int) = (int (*)(int))dlsym(RTLD_DEFAULT, "provided");
    if (f) printf("provided(1) via RTLD_DEFAULT = %d\n", f(1));

    /* Opened RTLD_GLOBAL directly; a duplicate name: the first GLOBAL one wins. */
    void *d = dlopen("libdup.so", RTLD_NOW | RTLD_GLOBAL);
    CHECK(d != NULL && d != p);
    CHECK(dlsym(RTLD_DEFAULT, "only_in_dup") == dlsym(d, "only_in_dup"));
    CHECK(dlsym(RTLD_DEFAULT, "only_in_dup") != NULL);
    int (*dup_default)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "dup_sym");
    int (*dup_self)(void) = (int (*)(void))dlsym(self, "dup_sym");
    int (*dup_p)(void) = (int (*)(void))dlsym(p, "dup_sym");
    int (*dup_d)(void) = (int (*)(void))dlsym(d, "dup_sym");
    CHECK(dup_default && dup_self && dup_p && dup_d);
    if (dup_default && dup_self && dup_p && dup_d)
        printf("dup_sym: RTLD_DEFAULT -> %d, dlopen(NULL) -> %d, libprovider -> %d, libdup -> %d\n",
               dup_default(), dup_self(), dup_p(), dup_d());

    /* dlsym(handle) searches that library only. */
    CHECK(dlsym(p, "only_in_dup") == NULL);
    CHECK_ERROR("libprovider.so: undefined symbol: only_in_dup");
    CHECK(dlsym(RTLD_DEFAULT, "nowhere") == NULL);
    CHECK_ERROR("RTLD_DEFAULT: undefined symbol: nowhere");

    CHECK(dlclose(d) == 0);
    CHECK(dlclose(p2) == 0);
    CHECK(dlclose(p) == 0);
    CHECK(dlclose(self) == 0);
    return CHECK_DONE();
}
