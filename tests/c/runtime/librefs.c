/* librefs.so: counts its constructions; says when its destructor runs. */
#include <stdio.h>

static int constructed;

__attribute__((constructor)) static void init(void) {
    constructed++;
    printf("librefs: constructor\n");
}

__attribute__((destructor)) static void fini(void) { printf("librefs: destructor\n"); }

int refs_constructed(void) { return constructed; }
