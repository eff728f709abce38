/* Link-time mode: dlopen finds bundled libraries by exact name and by basename, dlsym of
 * functions and data, calls, pointer identity, constructors already run at start. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    printf("main starts\n");
    void *h = dlopen("libcalc.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    CHECK(dlerror() == NULL);
    /* Basename matches: the same library, the same handle. */
    CHECK(dlopen("./libcalc.so", RTLD_NOW) == h);
    CHECK(dlopen("/no/such/dir/libcalc.so", RTLD_LAZY) == h);

    int (*add)(int) = (int (*)(int))dlsym(h, "add_counter");
    int (*ctors)(void) = (int (*)(void))dlsym(h, "times_constructed");
    int (*fmt)(char *, int) = (int (*)(char *, int))dlsym(h, "sort_and_format");
    void *(*fn_addr)(void) = (void *(*)(void))dlsym(h, "address_of_add_counter");
    int *(*data_addr)(void) = (int *(*)(void))dlsym(h, "address_of_counter");
    int *counter = dlsym(h, "counter");
    const char **greeting = dlsym(h, "greeting");
    CHECK(add && ctors && fmt && fn_addr && data_addr && counter && greeting);
    if (!(add && ctors && fmt && fn_addr && data_addr && counter && greeting)) return 1;

    /* The constructor ran once, when the component started; dlopen ran none. */
    printf("times_constructed() = %d\n", ctors());
    printf("add_counter(1) = %d\n", add(1));
    *counter = 100;
    printf("add_counter(1) = %d after writing counter through dlsym\n", add(1));
    printf("greeting = %s\n", *greeting);
    char buf[64];
    printf("sort_and_format -> %d \"%s\"\n", fmt(buf, sizeof buf), buf);
    /* Data has one address. A function may have two table slots in link-time mode: the one
     * wasm-tools puts in the table (what dlsym returns) and the library's own GOT.func slot;
     * both must call the same code. */
    CHECK(data_addr() == counter);
    int (*own_add)(int) = (int (*)(int))fn_addr();
    CHECK(own_add && own_add(2) == add(2));

    CHECK(dlsym(h, "no_such_symbol") == NULL);
    CHECK_ERROR("libcalc.so: undefined symbol: no_such_symbol");
    /* Linker plumbing is not a symbol of the library. */
    CHECK(dlsym(h, "__wasm_call_ctors") == NULL);
    CHECK_ERROR("libcalc.so: undefined symbol: __wasm_call_ctors");

    /* A library bundled under a name with a directory: exact name or basename. */
    void *n = dlopen("ext/libnamed.so", RTLD_NOW);
    CHECK(n != NULL && n != h);
    CHECK(dlopen("libnamed.so", RTLD_NOW) == n);
    int (*named)(void) = n ? (int (*)(void))dlsym(n, "named_value") : NULL;
    CHECK(named && named() == 7);
    CHECK(dlsym(n, "add_counter") == NULL);
    CHECK_ERROR("undefined symbol: add_counter");
    CHECK(dlclose(n) == 0);
    CHECK(dlclose(n) == 0);

    for (int i = 0; i < 3; i++) printf("dlclose -> %d\n", dlclose(h));
    printf("times_constructed() = %d\n", ctors());
    return CHECK_DONE();
}
