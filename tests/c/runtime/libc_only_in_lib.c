/* A minimal main: only dlopen, dlsym, dlclose, dlerror and puts. The side module's calls to
 * malloc, free, printf, snprintf, strlen, memcpy and qsort resolve against libc in main. */
#include <dlfcn.h>
#include <stdio.h>

int main(void) {
    void *h = dlopen("./liblibc_user.so", RTLD_NOW);
    if (!h) { puts(dlerror()); return 1; }
    int (*run)(void) = (int (*)(void))dlsym(h, "run_libc");
    if (!run) { puts(dlerror()); return 1; }
    if (run() != 0) { puts("FAIL run_libc"); return 1; }
    if (dlclose(h) != 0) { puts(dlerror()); return 1; }
    puts("ok");
    return 0;
}
