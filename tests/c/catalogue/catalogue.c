/* The bad-input catalogue: each case gives a dlerror naming the library (or symbol) and the
 * reason, loads nothing, and leaves the loader usable with no handle slot leaked (slots are
 * reused, so after dozens of failures a good library still gets a small slot number). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* Handle values are generational indices: the low 20 bits are the slot. */
#define SLOT(h) ((uintptr_t)(h) & 0xfffff)

/* At most main, libgood and the three libraries of the longest failing chain were ever live
 * at once: a leaked slot per failure would push the numbers past this. */
#define MAX_SLOT 5

static void good(void) {
    void *h = dlopen("./libgood.so", RTLD_NOW);
    CHECK(h != NULL);
    CHECK(SLOT(h) <= MAX_SLOT);
    int (*f)(void) = h ? (int (*)(void))dlsym(h, "good_value") : NULL;
    CHECK(f && f() == 42);
    CHECK(h && dlclose(h) == 0);
}

static void fails(const char *name, const char *part) {
    CHECK(dlopen(name, RTLD_NOW) == NULL);
    CHECK_ERROR(part);
    good();
}

static void not_loaded(const char *name) {
    CHECK(dlopen(name, RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK(dlerror() != NULL);
}

int main(void) {
    void *h;
    fails("./libnotfirst.so", "libnotfirst.so: malformed side module: dylink.0 must be the first section");
    fails("./libhugemem.so", "libhugemem.so: out of memory reserving its data or table");
    fails("./libbadleb.so", "libbadleb.so: malformed dylink.0 at byte 21: varuint32 out of range");
    fails("./libself.so", "libself.so: library lists itself as a dependency");

    /* A missing dependency deep in a chain: a -> b -> c -> d (gone). Nothing stays loaded. */
    fails("./libchain_a.so",
          "libchain_a.so: error loading dependency: libchain_b.so: error loading dependency: "
          "libchain_c.so: error loading dependency: libchain_d.so: cannot open shared object file");
    not_loaded("./libchain_b.so");
    not_loaded("./libchain_c.so");

    /* Ids outside the preopened directories: a relative escape and a symlink pointing out. */
    fails("../catalogue-outside.so", "../catalogue-outside.so: cannot open shared object file: Permission denied");
    fails("./libescape.so", "libescape.so: cannot open shared object file: Permission denied");

    /* Names: 64 KiB, invalid UTF-8. */
    char *long_name = malloc(65537);
    memset(long_name, 'n', 65536);
    long_name[65536] = 0;
    fails(long_name, "file name too long (65536 bytes)");
    fails("./\xff\xfe.so", "invalid name: file name is not valid UTF-8");

    h = dlopen("./libgood.so", RTLD_NOW);
    CHECK(dlsym(h, long_name) == NULL);
    CHECK_ERROR("libgood.so: undefined symbol: nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn... (65536 bytes)");
    CHECK(dlsym(h, "\xff\xfe") == NULL);
    CHECK_ERROR("libgood.so: undefined symbol: \xef\xbf\xbd\xef\xbf\xbd");
    CHECK(dlsym(h, NULL) == NULL);
    CHECK_ERROR("NULL symbol name");
    CHECK(dlclose(h) == 0);
    free(long_name);

    good();
    return CHECK_DONE();
}
