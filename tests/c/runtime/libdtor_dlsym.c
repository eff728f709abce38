/* A destructor that looks up a symbol in its own library through its handle, which the
 * program hands over: glibc allows it while the library's destructors run. */
#include <dlfcn.h>
#include <stdio.h>
static void *self;
void set_self(void *h) { self = h; }
int dtor_value(void) { return 17; }
__attribute__((destructor)) static void bye(void) {
    int (*f)(void) = (int (*)(void))dlsym(self, "dtor_value");
    printf("destructor: dlsym(own handle) %s, value %d\n", f ? "found" : dlerror(), f ? f() : -1);
}
