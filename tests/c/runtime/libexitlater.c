/* Registers destructors with __cxa_atexit when asked, long after it was loaded (what a C++
 * function-local static does on first use), not from a constructor. */
#include <stdio.h>
extern int __cxa_atexit(void (*)(void *), void *, void *);
extern void *__dso_handle;
static void bye(void *arg) { printf("plugin destructor: %s\n", (const char *)arg); }
void remember(const char *what) { __cxa_atexit(bye, (void *)what, &__dso_handle); }
