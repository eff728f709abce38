/* Registers a NULL destructor and a real one with __cxa_atexit (what a C++ runtime does for
 * objects with trivial destructors, or a careless plugin): dlclose runs the real one and
 * skips the NULL one instead of calling function pointer 0. */
#include <stdio.h>
extern int __cxa_atexit(void (*)(void *), void *, void *);
extern void *__dso_handle;
static void bye(void *arg) { printf("destructor: %s\n", (const char *)arg); }
__attribute__((constructor)) static void init(void) {
    __cxa_atexit(NULL, NULL, &__dso_handle);
    __cxa_atexit(bye, "real", &__dso_handle);
}
