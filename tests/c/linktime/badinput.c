/* Bad input in link-time mode gives a dlerror, never a trap, and leaves libdl usable:
 * names not in the table, forged and over-closed handles, symbols not exported, NULL and
 * empty names, invalid modes. dlerror() reports each error once. */
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>
#include "check.h"

/* Opens, uses and closes libgood.so. */
static void good(void) {
    void *h = dlopen("libgood.so", RTLD_NOW);
    CHECK(h != NULL);
    int (*f)(void) = h ? (int (*)(void))dlsym(h, "good_value") : NULL;
    int *d = h ? dlsym(h, "good_data") : NULL;
    CHECK(f && f() == 42);
    CHECK(d && *d == 43);
    CHECK(h && dlclose(h) == 0);
    CHECK(dlerror() == NULL);
}

/* dlopen(name, mode) fails with `part` in the error; then libgood.so still works. */
static void fails(const char *name, int mode, const char *part) {
    CHECK(dlopen(name, mode) == NULL);
    CHECK_ERROR(part);
    good();
}

/* A name that is not in the table: nor does RTLD_NOLOAD find it. */
static void missing(const char *name, int mode, const char *part) {
    fails(name, mode, part);
    CHECK(dlopen(name, RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK(dlerror() != NULL);
    CHECK(dlerror() == NULL);
}

int main(void) {
    CHECK(dlerror() == NULL);
    good();
    missing("libmissing.so", RTLD_NOW, "libmissing.so: cannot open shared object file: No such file or directory");
    missing("./libmissing.so", RTLD_NOW, "./libmissing.so: cannot open shared object file: No such file or directory");
    missing("libgood.so.1", RTLD_NOW, "libgood.so.1: cannot open shared object file: No such file or directory");
    missing("libgood", RTLD_LAZY, "libgood: cannot open shared object file: No such file or directory");
    missing("lib/", RTLD_NOW, "lib/: cannot open shared object file");
    missing("", RTLD_NOW, "empty file name");
    fails("libgood.so", 0x10000, "invalid mode for dlopen(): 0x10000");
    fails("libgood.so", RTLD_NOW | RTLD_LOCAL | RTLD_GLOBAL, "invalid mode for dlopen(): 0x10a");
    /* The failed opens took no reference: one dlopen, one dlclose, then one too many. */
    void *once = dlopen("libgood.so", RTLD_NOW);
    CHECK(once != NULL && dlclose(once) == 0);
    CHECK(dlclose(once) == -1);
    CHECK_ERROR("not an open library");

    /* Symbols the library does not export. */
    void *h = dlopen("libgood.so", RTLD_NOW);
    CHECK(h != NULL);
    CHECK(dlsym(h, "not_exported") == NULL);
    CHECK_ERROR("libgood.so: undefined symbol: not_exported");
    CHECK(dlsym(h, "good_valu") == NULL);
    CHECK_ERROR("libgood.so: undefined symbol: good_valu");
    CHECK(dlsym(h, "") == NULL);
    CHECK(dlerror() != NULL);
    CHECK(dlsym(h, NULL) == NULL);
    CHECK_ERROR("NULL symbol name");
    CHECK(dlsym(RTLD_DEFAULT, NULL) == NULL);
    CHECK_ERROR("NULL symbol name");

    /* Forged handles: small numbers, a pointer into our own stack and data, near-misses of
     * a real handle. */
    int local;
    static int global;
    void *forged[] = {(void *)0x1234, (void *)&local, (void *)&global,
                      (void *)((uintptr_t)h + 1), (void *)((uintptr_t)h + 16),
                      (void *)((uintptr_t)h - 16), (void *)(uintptr_t)0xfffffff0u};
    for (unsigned i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        if (dlsym(forged[i], "good_value") != NULL) {
            printf("FAIL forged handle %u: dlsym succeeded\n", i);
            check_failures++;
        }
        const char *e = dlerror();
        CHECK(e && strstr(e, "not an open library"));
        CHECK(dlerror() == NULL);
        CHECK(dlclose(forged[i]) == -1);
        e = dlerror();
        CHECK(e && strstr(e, "not an open library"));
        CHECK(dlerror() == NULL);
    }
    CHECK(dlsym((void *)0x1234, "good_value") == NULL);
    CHECK_ERROR("invalid handle 0x1234: not an open library");
    CHECK(dlclose((void *)0x1234) == -1);
    CHECK_ERROR("invalid handle 0x1234: not an open library");
    CHECK(dlclose(NULL) == -1);
    CHECK_ERROR("invalid handle 0x0");
    CHECK(dlclose(RTLD_NEXT) == -1);
    CHECK_ERROR("not an open library");

    /* The real handle still works after all that. */
    int (*f)(void) = (int (*)(void))dlsym(h, "good_value");
    CHECK(f && f() == 42);
    CHECK(dlclose(h) == 0);
    CHECK(dlclose(h) == -1);
    CHECK_ERROR("not an open library");

    /* Only the last error is kept; reading it clears it. */
    CHECK(dlopen("libmissing1.so", RTLD_NOW) == NULL);
    CHECK(dlopen("libmissing2.so", RTLD_NOW) == NULL);
    CHECK_ERROR("libmissing2.so: cannot open shared object file: No such file or directory");
    /* A success does not clear a pending error. */
    CHECK(dlopen("libmissing3.so", RTLD_NOW) == NULL);
    h = dlopen("libgood.so", RTLD_NOW);
    CHECK(h != NULL);
    CHECK_ERROR("libmissing3.so: cannot open shared object file");
    CHECK(dlclose(h) == 0);
    good();
    return CHECK_DONE();
}
