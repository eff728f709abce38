/* Bad input: each failure gives a dlerror naming the library and the reason, loads nothing,
 * and leaves the loader usable (a good library loads right after). */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

/* Opens, uses and closes libgood.so; also checks nothing is left over from the failure. */
static void good(void) {
    void *h = dlopen("./libgood.so", RTLD_NOW);
    CHECK(h != NULL);
    int (*f)(void) = h ? (int (*)(void))dlsym(h, "good_value") : NULL;
    CHECK(f && f() == 42);
    CHECK(h && dlclose(h) == 0);
    CHECK(dlopen("./libgood.so", RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK(dlerror() != NULL);
    CHECK(dlerror() == NULL);
}

/* The rest of a host-engine message (V8's wording) varies between runtimes: only `part`, which
 * libdl writes, is pinned by the transcript. */
static void check_error_prefix(const char *part) {
    const char *e = dlerror();
    if (!e || strncmp(e, part, strlen(part)) != 0) {
        printf("FAIL dlerror() = %s, wanted a string starting \"%s\"\n", e ? e : "NULL", part);
        check_failures++;
    } else {
        printf("dlerror: %s...\n", part);
    }
    CHECK(dlerror() == NULL);
}

static void fails(const char *name, int mode, const char *part) {
    CHECK(dlopen(name, mode) == NULL);
    if (strstr(part, "not a valid WebAssembly module"))
        check_error_prefix(part);
    else
        CHECK_ERROR(part);
    CHECK(dlopen(name, RTLD_NOW | RTLD_NOLOAD) == NULL);
    CHECK(dlerror() != NULL);
    good();
}

int main(void) {
    CHECK(dlerror() == NULL);
    fails("./librandom.so", RTLD_NOW, "librandom.so: not a valid WebAssembly module: librandom.so: ");
    fails("./libtext.so", RTLD_NOW, "libtext.so: not a valid WebAssembly module: libtext.so: ");
    fails("./libtrunc.so", RTLD_NOW, "libtrunc.so: not a valid WebAssembly module: libtrunc.so: ");
    fails("./libplain.so", RTLD_NOW, "libplain.so: not a side module (no dylink.0 section)");
    fails("./libmissing.so", RTLD_NOW, "libmissing.so: cannot open shared object file: No such file or directory");
    fails("libmissing.so", RTLD_NOW, "libmissing.so: cannot open shared object file: No such file or directory");
    fails("./libneeds_gone.so", RTLD_NOW,
          "libneeds_gone.so: error loading dependency: libgone.so: cannot open shared object file");
    fails("./libunres_fn.so", RTLD_NOW, "libunres_fn.so: undefined symbol: nowhere_function (import env.nowhere_function)");
    fails("./libunres_data.so", RTLD_NOW, "libunres_data.so: undefined symbol: nowhere_data (import GOT.mem.nowhere_data)");
    fails("", RTLD_NOW, "empty file name");
    fails("./libgood.so", 0x10000, "invalid mode for dlopen(): 0x10000");
    fails("./libgood.so", RTLD_NOW | RTLD_LOCAL | RTLD_GLOBAL, "invalid mode for dlopen(): 0x10a");

    /* Forged, reserved and closed handles, NULL names. */
    void *closed = dlopen("./libgood.so", RTLD_NOW);
    CHECK(closed != NULL);
    CHECK(dlclose(closed) == 0);
    CHECK(dlsym((void *)0x1234, "good_value") == NULL);
    CHECK_ERROR("invalid handle 0x1234: not an open library");
    CHECK(dlsym(closed, "good_value") == NULL);
    CHECK_ERROR("not an open library");
    CHECK(dlclose((void *)0x1234) == -1);
    CHECK_ERROR("invalid handle 0x1234: not an open library");
    CHECK(dlclose(closed) == -1);
    CHECK_ERROR("not an open library");
    CHECK(dlclose(RTLD_NEXT) == -1);
    CHECK_ERROR("not an open library");
    CHECK(dlclose(NULL) == -1);
    CHECK_ERROR("invalid handle 0x0");
    good();
    void *h = dlopen("./libgood.so", RTLD_NOW);
    CHECK(dlsym(h, NULL) == NULL);
    CHECK_ERROR("NULL symbol name");
    CHECK(dlsym(RTLD_DEFAULT, NULL) == NULL);
    CHECK_ERROR("NULL symbol name");
    CHECK(dlclose(h) == 0);

    /* dlerror is read once; a success does not clear a pending error (POSIX: the last error
     * since the previous dlerror call). */
    CHECK(dlerror() == NULL);
    CHECK(dlopen("./libmissing.so", RTLD_NOW) == NULL);
    h = dlopen("./libgood.so", RTLD_NOW);
    CHECK(h != NULL);
    CHECK_ERROR("libmissing.so");
    CHECK(dlerror() == NULL);
    CHECK(dlclose(h) == 0);
    good();
    return CHECK_DONE();
}
