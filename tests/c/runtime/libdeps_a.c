/* liba.so, linked with -L. -lb: NEEDED libb.so. Its constructor and destructor call into
 * libb, which must be constructed first and destroyed last. */
#include <stdio.h>

int b_is_constructed(void);
int b_function(int x);

__attribute__((constructor)) static void init(void) {
    printf("liba: constructor (libb constructed: %d)\n", b_is_constructed());
}

__attribute__((destructor)) static void fini(void) {
    printf("liba: destructor (b_function(4) = %d)\n", b_function(4));
}

int a_function(int x) { return b_function(x) + 1; }
