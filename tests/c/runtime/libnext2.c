/* libnext2.so: the last definition of hook; RTLD_NEXT from here finds nothing. */
#include <dlfcn.h>
#include <stddef.h>

int hook(void) { return 2; }
int next_after_last_is_null(void) { return dlsym(RTLD_NEXT, "hook") == NULL; }
