/* Loaded and unloaded 10,000 times: data, a constructor that registers a destructor, a
 * function, and a dependency. */
#include <stdlib.h>

int leak_dep_value(void);
static char *scratch;
int leak_data[64] = {1};

__attribute__((constructor)) static void init(void) { scratch = malloc(100); }
__attribute__((destructor)) static void fini(void) { free(scratch); }

int leak_value(void) { return leak_data[0] + (scratch != NULL) + leak_dep_value(); }
