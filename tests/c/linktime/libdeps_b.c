/* A dependency: only ever NEEDED by libdeps_a, never named on the link command line. */
#include <stdio.h>
int b_value;
/* liba's constructor reads b_value: it must run after this one. */
__attribute__((constructor)) static void init(void) {
    b_value = 5;
    printf("libb: constructor\n");
}
int b_times(int x) { return x * b_value; }
