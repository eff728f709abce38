/* dladdr, dladdr1 and dlinfo (issue 11): which object and symbol an address is in, for
 * function pointers (table slots in wasm) and data addresses, in the main program and in
 * libraries, and the link map across dlopen and dlclose. Run natively with glibc against the
 * same transcript; what glibc does not define (forged handles, NULL arguments, the wasm names
 * of the main program) is checked under __wasm__ only, without output. Link-time mode
 * (LINKTIME) runs it too, against a transcript of its own (docs/linktime.md). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

int main_datum[2] = {5, 6};
int main_func(int x) { return x + 1; }

typedef int (*int_fn)(int);
static const char *main_fname;

static const char *base(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The object's name as the transcript shows it: the main program by role (glibc names it
 * after argv[0], wasm-libdl "main"), libraries by file name. */
static const char *object(const char *fname) {
    return main_fname && strcmp(fname, main_fname) == 0 ? "the main program" : base(fname);
}

static void show(const char *what, const void *addr) {
    Dl_info info;
    if (!dladdr(addr, &info)) {
        printf("%-28s in no loaded object\n", what);
        return;
    }
    printf("%-28s in %s, ", what, object(info.dli_fname));
    if (!info.dli_sname) {
        printf("no symbol\n");
        CHECK(info.dli_saddr == NULL);
    } else {
        printf("symbol %s%s\n", info.dli_sname, info.dli_saddr == addr ? "" : " (before it)");
        CHECK((uintptr_t)info.dli_saddr <= (uintptr_t)addr);
    }
}

/* The link map from the main program on, libraries only by name (glibc's own libraries are
 * left out: they differ between systems). */
static void show_link_map(void *handle) {
    struct link_map *map = NULL;
    CHECK(dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0);
    while (map && map->l_prev) map = map->l_prev;
    CHECK(map && map->l_name[0] == '\0'); /* the main program is first and has no name */
    printf("link map:");
    for (struct link_map *m = map; m; m = m->l_next) {
        if (m->l_next) CHECK(m->l_next->l_prev == m);
        if (strstr(m->l_name, "libaddr")) printf(" %s", base(m->l_name));
    }
    printf("\n");
}

int main(void) {
    Dl_info info;
    CHECK(dladdr((void *)main_func, &info) != 0);
    main_fname = info.dli_fname;
#ifdef __wasm__
    CHECK(strcmp(main_fname, "main") == 0 && info.dli_fbase == NULL);
#endif
    show("main_func", (void *)main_func);
    show("main_datum", &main_datum[0]);
    show("main_datum[1]", &main_datum[1]);

    void *h = dlopen("./plugins/libaddr.so", RTLD_NOW);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int_fn f = (int_fn)dlsym(h, "lib_func");
    int *table = dlsym(h, "lib_table");
    int_fn (*func_addr)(void) = (int_fn(*)(void))dlsym(h, "lib_func_addr");
    int_fn (*hidden_func_addr)(void) = (int_fn(*)(void))dlsym(h, "lib_hidden_func_addr");
    int *(*hidden_datum_addr)(void) = (int *(*)(void))dlsym(h, "lib_hidden_datum_addr");
    CHECK(f && table && func_addr && hidden_func_addr && hidden_datum_addr);
    printf("lib_func(4) = %d\n", f(4));
    show("dlsym(lib_func)", (void *)f);
    show("&lib_func inside", (void *)func_addr());
    show("lib_table", table);
    show("&lib_table[2]", &table[2]);
    show("lib_counter", dlsym(h, "lib_counter"));
    show("addr_dep_func", dlsym(h, "addr_dep_func"));
    show("hidden function", (void *)hidden_func_addr());
    /* A datum no symbol covers: glibc matches only symbols that contain the address (ELF
     * symbols have sizes), wasm-libdl the nearest exported datum before it (wasm exports
     * have none). The object is the same. */
    int *hidden = hidden_datum_addr();
    CHECK(dladdr(hidden, &info) != 0);
    printf("%-28s in %s\n", "hidden datum", object(info.dli_fname));
#ifdef __wasm__
    CHECK(info.dli_sname && (uintptr_t)info.dli_saddr < (uintptr_t)hidden);
#endif
    int local = 0;
    show("a stack address", &local);
    void *heap = malloc(16);
    show("a heap address", heap);
    free(heap);
    show("NULL", NULL);
    show("0xffffffff", (void *)(uintptr_t)0xffffffffu);

    /* dladdr1: the link map entry of the object. */
    struct link_map *map = NULL;
    CHECK(dladdr1((void *)f, &info, (void **)&map, RTLD_DL_LINKMAP) != 0);
    CHECK(map && strcmp(map->l_name, info.dli_fname) == 0);
    struct link_map *by_handle = NULL;
    CHECK(dlinfo(h, RTLD_DI_LINKMAP, &by_handle) == 0 && by_handle == map);
    printf("dladdr1 link map entry: %s\n", base(map->l_name));

    char origin[PATH_MAX];
    CHECK(dlinfo(h, RTLD_DI_ORIGIN, origin) == 0);
    printf("origin of libaddr.so: .../%s\n", base(origin));
    Lmid_t lmid = -1;
    CHECK(dlinfo(h, RTLD_DI_LMID, &lmid) == 0 && lmid == LM_ID_BASE);

    show_link_map(h);
    void *h2 = dlopen("./plugins/libaddr2.so", RTLD_NOW);
    CHECK(h2 != NULL);
    show_link_map(h2);
    void *self = dlopen(NULL, RTLD_NOW);
    /* The main program's exported symbols, through its handle and RTLD_DEFAULT (link-time
     * mode too). */
    CHECK(dlsym(self, "main_func") == (void *)main_func && dlsym(self, "main_datum") == main_datum);
    CHECK(dlsym(RTLD_DEFAULT, "main_func") == (void *)main_func);
    show_link_map(self);

    /* After the library is closed, its addresses are in no object. */
    const void *gone_func = (void *)f, *gone_datum = table;
    CHECK(dlclose(h) == 0);
    show("closed library's function", gone_func);
    show("closed library's datum", gone_datum);
    show_link_map(h2);
    CHECK(dlclose(h2) == 0);
    show_link_map(self);

    /* Bad requests. */
    CHECK(dlinfo(self, 12345, &lmid) == -1);
    const char *e = dlerror();
    CHECK(e && strstr(e, "unsupported dlinfo request"));
#ifdef __wasm__
    /* What glibc leaves undefined (it crashes): a clear error here. */
    CHECK(dladdr(NULL, &info) == 0);
    e = dlerror();
    CHECK(e && strstr(e, "no loaded object contains address 0x0"));
    CHECK(dladdr((void *)main_func, NULL) == 0);
    e = dlerror();
    CHECK(e && strstr(e, "invalid argument: NULL Dl_info or extra_info"));
    CHECK(dladdr1((void *)main_func, &info, NULL, RTLD_DL_LINKMAP) == 0);
    e = dlerror();
    CHECK(e && strstr(e, "invalid argument: NULL Dl_info or extra_info"));
    CHECK(dlinfo(self, RTLD_DI_LINKMAP, NULL) == -1);
    e = dlerror();
    CHECK(e && strstr(e, "invalid argument: NULL dlinfo argument"));
#ifndef LINKTIME /* (a bundled library is never unloaded: its handle stays valid) */
    CHECK(dlinfo(h, RTLD_DI_LINKMAP, &map) == -1); /* closed */
    e = dlerror();
    CHECK(e && strstr(e, "not an open library"));
#endif
    CHECK(dlinfo((void *)0x12345, RTLD_DI_ORIGIN, origin) == -1);
    CHECK(dlerror() != NULL);
    CHECK(dlinfo(RTLD_NEXT, RTLD_DI_LINKMAP, &map) == -1);
    CHECK(dlerror() != NULL);
#endif
    return CHECK_DONE();
}
