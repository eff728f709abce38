/* Thread-local storage in side modules (issue 18 item 3): a module built with -pthread keeps
 * real TLS that wasm-ld places at address 0 with no way to move it, so dlopen refuses it with
 * a dlerror naming thread-local storage, exported or hidden, and the program stays usable; a
 * module built without -pthread has plain data for its _Thread_local and works. */
#include <dlfcn.h>
#include <string.h>
#include "check.h"

int main(void) {
    CHECK(dlopen("./libtls_pthread.so", RTLD_NOW) == NULL);
    CHECK_ERROR("libtls_pthread.so: unsupported: thread-local storage");
    CHECK(dlopen("./libtls_hidden.so", RTLD_NOW) == NULL);
    CHECK_ERROR("libtls_hidden.so: unsupported: thread-local storage");
    CHECK(dlopen("./libtls_pthread.so", RTLD_NOW | RTLD_NOLOAD) == NULL); /* nothing was loaded */
    dlerror();

    void *h = dlopen("./libtls_plain.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    int (*next_counter)(void) = (int (*)(void))dlsym(h, "next_counter");
    int *counter = (int *)dlsym(h, "counter");
    CHECK(next_counter && counter && *counter == 5);
    int a = next_counter();
    int b = next_counter();
    printf("plain _Thread_local: %d %d, counter = %d\n", a, b, *counter);
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
