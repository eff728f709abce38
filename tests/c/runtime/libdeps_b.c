/* libb.so: a dependency of liba.so, with its own constructor and destructor. */
#include <stdio.h>

static int b_constructed;

__attribute__((constructor)) static void init(void) {
    b_constructed = 1;
    printf("libb: constructor\n");
}

__attribute__((destructor)) static void fini(void) { printf("libb: destructor\n"); }

int b_is_constructed(void) { return b_constructed; }
int b_function(int x) { return x * 2; }
