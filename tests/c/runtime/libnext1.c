/* libnext1.so: an interposer; its hook forwards to the next definition (RTLD_NEXT). */
#include <dlfcn.h>

int hook(void) {
    int (*next)(void) = (int (*)(void))dlsym(RTLD_NEXT, "hook");
    return 100 + (next ? next() : -1000);
}
