/* 10,000 dlopen/dlclose cycles of a library with a dependency (and of the dependency alone)
 * keep the handle table, the function table and the guest heap bounded, and never hand out
 * the same handle twice (a handle-table slot is retired after 2,048 reuses). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

#define CYCLES 10000
#define WARMUP 100
#define SLOT(h) ((uintptr_t)(h) & 0xfffff)

static uintptr_t handles[CYCLES];

static int by_value(const void *a, const void *b) {
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return x < y ? -1 : x > y;
}

static void cycle(const char *name, const char *sym, int want, uintptr_t *max_slot, uintptr_t *max_fn, int i) {
    void *h = dlopen(name, RTLD_NOW);
    handles[i] = (uintptr_t)h;
    if (!h) { printf("dlopen: %s\n", dlerror()); check_failures++; return; }
    int (*f)(void) = (int (*)(void))dlsym(h, sym);
    if (!f || f() != want) { printf("FAIL %s: %s\n", name, f ? "wrong value" : dlerror()); check_failures++; }
    if (SLOT(h) > *max_slot) *max_slot = SLOT(h);
    if ((uintptr_t)f > *max_fn) *max_fn = (uintptr_t)f;
    if (dlclose(h) != 0) { printf("dlclose: %s\n", dlerror()); check_failures++; }
}

static void run(const char *name, const char *sym, int want) {
    uintptr_t slot = 0, fn = 0, slot_warm, fn_warm;
    for (int i = 0; i < WARMUP; i++) cycle(name, sym, want, &slot, &fn, i);
    slot_warm = slot, fn_warm = fn;
    size_t pages = __builtin_wasm_memory_size(0);
    for (int i = WARMUP; i < CYCLES; i++) cycle(name, sym, want, &slot, &fn, i);
    size_t grown = __builtin_wasm_memory_size(0) - pages;
    qsort(handles, CYCLES, sizeof handles[0], by_value);
    int repeated = 0;
    for (int i = 1; i < CYCLES; i++) repeated += handles[i] == handles[i - 1];
    /* after warm-up, per reused slot one more for every 2,048 of its reuses (the library and
     * its dependency each take a slot per cycle) */
    uintptr_t slot_bound = slot_warm + 2 * (CYCLES / 2048 + 1);
    printf("%s: %d cycles; memory grew %zu pages after warm-up; %d handles repeated; handle slots %s; "
           "function slot max %s\n",
           name, CYCLES, grown, repeated, slot <= slot_bound ? "within bound" : "OVER BOUND",
           fn == fn_warm ? "unchanged" : "GREW");
    CHECK(grown == 0);
    CHECK(repeated == 0);
    CHECK(slot <= slot_bound);
    CHECK(fn == fn_warm);
    CHECK(dlopen(name, RTLD_NOW | RTLD_NOLOAD) == NULL);
    dlerror();
}

int main(void) {
    run("./libleak.so", "leak_value", 42);
    run("./libleak_dep.so", "leak_dep_value", 40);
    return CHECK_DONE();
}
