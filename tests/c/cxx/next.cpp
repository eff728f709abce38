// dlsym(RTLD_NEXT) from C++ code knows its caller (dlfcn.h's dlsym macro passes the module's
// __dso_handle in C++ too): asked from the plugin libwhich2.so, it skips the plugin's own
// definition and finds the one in its dependency libwhich3.so; asked from the program, it
// finds nothing (neither plugin is global). dladdr, dlinfo and <link.h> from C++ too.
#include <dlfcn.h>
#include <link.h>
#include <cstring>
#include <iostream>

extern "C" int which() { return 1; }

static void show(const char *from, int (*f)()) {
    std::cout << "RTLD_NEXT from " << from << ": ";
    if (f)
        std::cout << f() << "\n";
    else
        std::cout << "none\n";
}

int main() {
    void *a = dlopen("./libwhich2.so", RTLD_NOW);
    if (!a) {
        std::cout << "dlopen: " << dlerror() << "\n";
        return 1;
    }
    auto next_of_a = reinterpret_cast<int (*)()>(dlsym(a, "next_which"));
    std::cout << "RTLD_NEXT from libwhich2: " << next_of_a() << "\n";
    show("main", reinterpret_cast<int (*)()>(dlsym(RTLD_NEXT, "which")));
    Dl_info info;
    struct link_map *map = nullptr;
    if (dladdr(reinterpret_cast<void *>(next_of_a), &info) && dlinfo(a, RTLD_DI_LINKMAP, &map) == 0) {
        const char *name = std::strrchr(map->l_name, '/');
        std::cout << "dladdr: " << (info.dli_sname ? info.dli_sname : "?") << " in "
                  << (std::strcmp(info.dli_fname, map->l_name) == 0 ? "the plugin" : "another object")
                  << "; link map entry " << (name ? name + 1 : map->l_name) << "\n";
    }
    return 0;
}
