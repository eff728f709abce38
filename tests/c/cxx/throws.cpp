// C++ exceptions across a dlopen: thrown in a plugin and caught in the program (by a
// standard class, by a class both define, by value), thrown by libc++ on the plugin's behalf,
// thrown in the program through the plugin's frames (running its destructors), caught in the
// plugin, rethrown by it, carried across as an exception_ptr. With the argument `uncaught`,
// the plugin's exception reaches no handler.
#include "errors.h"
#include <cstring>
#include <dlfcn.h>
#include <exception>
#include <iostream>
#include <new>

template <typename F> static F sym(void *h, const char *name) {
    F f = reinterpret_cast<F>(dlsym(h, name));
    if (!f) std::cout << "dlsym " << name << ": " << dlerror() << "\n";
    return f;
}

static void throws_logic(int n) { throw std::logic_error("logic_error " + std::to_string(n)); }
static void throws_plugin_error(int n) { throw PluginError("from the program", n); }
static void throws_double(int n) { throw n + 0.5; }

int main(int argc, char **argv) {
    void *h = dlopen("./libthrow.so", RTLD_NOW);
    if (!h) {
        std::cout << "dlopen: " << dlerror() << "\n";
        return 1;
    }
    auto throw_kind = sym<void (*)(int)>(h, "throw_kind");
    auto call_through = sym<void (*)(callback, int)>(h, "call_through");
    auto catch_from = sym<const char *(*)(callback, int)>(h, "catch_from");
    auto rethrow_from = sym<void (*)(callback, int)>(h, "rethrow_from");
    auto capture = sym<std::exception_ptr *(*)(callback, int)>(h, "capture");

    if (argc > 1 && std::strcmp(argv[1], "uncaught") == 0) {
        std::cout << "main: not catching" << std::endl;
        throw_kind(0);
        return 0;
    }

    for (int kind = 0; kind < 5; kind++) {
        try {
            throw_kind(kind);
            std::cout << "main: no exception\n";
        } catch (const PluginError &e) {
            std::cout << "main: caught PluginError, code " << e.code << ": " << e.what() << "\n";
        } catch (const std::out_of_range &) {
            std::cout << "main: caught std::out_of_range\n";
        } catch (const std::bad_alloc &e) {
            std::cout << "main: caught std::bad_alloc: " << e.what() << "\n";
        } catch (const std::exception &e) {
            std::cout << "main: caught std::exception: " << e.what() << "\n";
        } catch (int i) {
            std::cout << "main: caught int " << i << "\n";
        }
    }

    try {
        call_through(throws_logic, 1);
    } catch (const std::logic_error &e) {
        std::cout << "main: caught its own " << e.what() << " through the plugin\n";
    }

    std::cout << "plugin caught: " << catch_from(throws_plugin_error, 5) << ", "
              << catch_from(throws_logic, 2) << ", " << catch_from(throws_double, 3) << "\n";

    try {
        rethrow_from(throws_plugin_error, 6);
    } catch (const PluginError &e) {
        std::cout << "main: caught the rethrown PluginError, code " << e.code << "\n";
    }

    std::exception_ptr *p = capture(throws_logic, 3);
    try {
        std::rethrow_exception(*p);
    } catch (const std::exception &e) {
        std::cout << "main: rethrew the captured " << e.what() << "\n";
    }
    delete p;

    dlclose(h);
    std::cout << "main: done\n";
    return 0;
}
