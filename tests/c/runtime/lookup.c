/* dlsym gives the same answers before a library's exports are indexed (the first lookups
 * scan the export section) and after (a hash index): the same function pointers, the same
 * datum address, NULL with an error for plumbing and missing names, first and last export. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

static void *must_sym(void *h, const char *name) {
    void *p = dlsym(h, name);
    if (!p) printf("FAIL dlsym %s: %s\n", name, dlerror());
    return p;
}

int main(void) {
    void *h = dlopen("./liblookup.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    /* Before the index: the last export (a scan reads the whole section) and the datum. */
    int (*last)(int) = (int (*)(int))must_sym(h, "lk_3333");
    int *datum = (int *)must_sym(h, "lk_datum");
    CHECK(last && last(0) == 03333);
    CHECK(datum && *datum == 1234);
    /* From here on the index answers. */
    CHECK(dlsym(h, "__wasm_call_ctors") == NULL);
    CHECK_ERROR("undefined symbol: __wasm_call_ctors");
    CHECK(dlsym(h, "lk_4000") == NULL);
    CHECK_ERROR("undefined symbol: lk_4000");
    CHECK(must_sym(h, "lk_3333") == (void *)last);
    CHECK(must_sym(h, "lk_datum") == (void *)datum);
    int found = 0, right = 0;
    for (int n = 0; n < 256; n++) {
        char name[16];
        snprintf(name, sizeof name, "lk_%d%d%d%d", n >> 6 & 3, n >> 4 & 3, n >> 2 & 3, n & 3);
        int (*f)(int) = (int (*)(int))dlsym(h, name);
        found += f != NULL;
        int octal = (n >> 6 & 3) * 512 + (n >> 4 & 3) * 64 + (n >> 2 & 3) * 8 + (n & 3);
        right += f && f(1000) == 1000 + octal;
    }
    printf("%d of 256 exports found, %d return their number\n", found, right);
    CHECK(found == 256 && right == 256);
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
