/* A strong definition of helper: opened RTLD_GLOBAL, it interposes on later libraries' weak ones.
 * Its destructor shows when it is unloaded. */
#include <stdio.h>
int helper(int x) { return x * 1000; }
__attribute__((destructor)) static void unloaded(void) { printf("libstrong_helper.so unloaded\n"); }
