/* Shared by selfweak.c and interpose.c: libselfweak.so's functions, and CHECK_RT.
 *
 * Link-time mode (LINKTIME) binds every import when the component is linked and has the
 * differences docs/linktime.md lists: those lines are printed there, checked here. */
#ifndef SELFWEAK_H
#define SELFWEAK_H
#include <dlfcn.h>
#include "check.h"

#ifdef LINKTIME
#define CHECK_RT(cond) printf("%s: %s\n", #cond, (cond) ? "yes" : "no")
#else
#define CHECK_RT(cond) CHECK(cond)
#endif

typedef int (*int_fn)(int);

struct selfweak {
    int_fn call_helper;
    void *(*helper_addr)(void);
    int *(*counter_addr)(void);
    int (*bump)(void);
};

/* Opens `name` (exits on failure) and looks its functions up. */
static void *open_selfweak(const char *name, struct selfweak *s) {
    void *h = dlopen(name, RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); exit(1); }
    s->call_helper = (int_fn)dlsym(h, "call_helper");
    s->helper_addr = (void *(*)(void))dlsym(h, "helper_addr");
    s->counter_addr = (int *(*)(void))dlsym(h, "counter_addr");
    s->bump = (int (*)(void))dlsym(h, "bump");
    CHECK(s->call_helper && s->helper_addr && s->counter_addr && s->bump);
    return h;
}
#endif
