/* Counts its constructor runs and calls; the state shows whether it was ever unloaded. */
#include <stdio.h>
static int constructed, calls;
__attribute__((constructor)) static void init(void) { constructed++; printf("librefs: constructor\n"); }
__attribute__((destructor)) static void fini(void) { printf("librefs: destructor\n"); }
int refs_constructed(void) { return constructed; }
int refs_call(void) { return ++calls; }
