/* The demo: load a plugin at run time, look up a function, call it, unload it. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "./libgreet.so";
    printf("dlopen(\"%s\")\n", path);
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        printf("dlopen failed: %s\n", dlerror());
        return 1;
    }
    const char *(*greet)(const char *) = (const char *(*)(const char *))dlsym(lib, "greet");
    if (!greet) {
        printf("dlsym failed: %s\n", dlerror());
        return 1;
    }
    printf("greet(\"wasm\") -> \"%s\"\n", greet("wasm"));
    printf("greet(\"libdl\") -> \"%s\"\n", greet("libdl"));
    printf("dlsym(lib, \"missing\") -> %p: %s\n", dlsym(lib, "missing"), dlerror());
    printf("dlclose -> %d\n", dlclose(lib));
    return 0;
}
