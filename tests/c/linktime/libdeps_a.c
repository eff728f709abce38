/* Depends on libb.so (NEEDED, built with -L. -lb): calls its function, uses its data, and
 * opens it with dlopen. */
#include <dlfcn.h>
#include <stdio.h>
extern int b_value;
int b_times(int x);
__attribute__((constructor)) static void init(void) { printf("liba: constructor (b_value = %d)\n", b_value); }
int a_calls_b(int x) { return b_times(x) + 1; }
void a_set_b_value(int v) { b_value = v; }
/* dlopen from inside a bundled library. */
int a_opens_b(void) {
    void *h = dlopen("libb.so", RTLD_NOW);
    if (!h) { printf("a_opens_b: %s\n", dlerror()); return -1; }
    int *v = dlsym(h, "b_value");
    int r = v ? *v : -1;
    dlclose(h);
    return r;
}
