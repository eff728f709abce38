// Two builds of this plugin (tests/c/cxx/next.cpp): WHICH is 2 in one and 3 in the other.
// next_which() asks dlsym(RTLD_NEXT, "which") from C++: the definition after *this* library.
#include <dlfcn.h>

extern "C" int which() { return WHICH; }

extern "C" int next_which() {
    auto f = reinterpret_cast<int (*)()>(dlsym(RTLD_NEXT, "which"));
    return f ? f() : -1;
}
