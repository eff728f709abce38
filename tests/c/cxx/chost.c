/* A C program that loads a C++ plugin (tests/c/cxx/libcplug.cpp): the plugin's libc++ comes
 * with it, as libc++.so, which the plugin lists as NEEDED. */
#include <dlfcn.h>
#include <stdio.h>

int main(void) {
    void *h = dlopen("./libcplug.so", RTLD_NOW);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    int (*sort_words)(const char *const *, int) = (int (*)(const char *const *, int))dlsym(h, "sort_words");
    const char *(*checked)(int) = (const char *(*)(int))dlsym(h, "checked");
    const char *words[] = {"pear", "apple", "fig"};
    printf("sorted %d\n", sort_words(words, 3));
    printf("%s, %s, %s\n", checked(1), checked(5), checked(-1));
    dlclose(h);
    printf("done\n");
    return 0;
}
