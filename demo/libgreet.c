/* A plugin: a side module with state, a constructor and a destructor. */
#include <stdio.h>

static int calls;

__attribute__((constructor)) static void loaded(void) { printf("  [libgreet] constructor ran\n"); }
__attribute__((destructor)) static void unloaded(void) { printf("  [libgreet] destructor ran after %d calls\n", calls); }

const char *greet(const char *who) {
    static char buf[64];
    snprintf(buf, sizeof buf, "hello, %s (call %d)", who, ++calls);
    return buf;
}
