/* libnodelete.so: opened with RTLD_NODELETE; keeps state across its last dlclose. */
#include <stdio.h>

static int calls;

__attribute__((constructor)) static void init(void) { printf("libnodelete: constructor\n"); }
__attribute__((destructor)) static void fini(void) { printf("libnodelete: destructor\n"); }

int nd_count(void) { return ++calls; }
