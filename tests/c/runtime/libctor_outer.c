/* libouter.so: its constructor dlopens libinner.so and calls into it; its destructor closes it. */
#include <dlfcn.h>
#include <stdio.h>

int outer_result = -1;
static void *inner;

__attribute__((constructor)) static void init(void) {
    printf("libouter: constructor, opening libinner\n");
    inner = dlopen("./libinner.so", RTLD_NOW);
    if (!inner) {
        printf("libouter: dlopen failed: %s\n", dlerror());
        return;
    }
    int (*f)(void) = (int (*)(void))dlsym(inner, "inner_value");
    outer_result = f ? f() : -2;
    printf("libouter: inner_value() = %d\n", outer_result);
}

__attribute__((destructor)) static void fini(void) {
    printf("libouter: destructor, closing libinner -> %d\n", inner ? dlclose(inner) : -9);
}
