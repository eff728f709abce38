// C++ across a dlopen: virtual calls both ways, typeid and dynamic_cast agreeing between the
// program and the plugin (one typeinfo per class, as ELF's dynamic linker makes it), standard
// library objects passed across, the plugin's static constructors at dlopen and destructors
// at dlclose.
#include "shape.h"
#include <dlfcn.h>
#include <iostream>
#include <typeinfo>
#include <vector>

template <typename F> static F sym(void *h, const char *name) {
    F f = reinterpret_cast<F>(dlsym(h, name));
    if (!f) std::cout << "dlsym " << name << ": " << dlerror() << "\n";
    return f;
}

int main() {
    std::cout << "main: dlopen\n";
    void *h = dlopen("./libshapes.so", RTLD_NOW);
    if (!h) {
        std::cout << "dlopen: " << dlerror() << "\n";
        return 1;
    }
    auto make = sym<Shape *(*)(int)>(h, "make_shape");
    auto square_type = sym<const std::type_info *(*)()>(h, "square_type");
    auto is_square = sym<bool (*)(const Shape *)>(h, "is_square");
    auto describe = sym<std::string *(*)(const std::vector<std::string> &)>(h, "describe");
    Shape *a = make(0), *b = make(1);
    Square mine(5);
    std::cout << a->name() << " " << a->area() << ", " << b->name() << " " << b->area() << "\n";
    std::cout << "typeid(Square) is one type: " << (*square_type() == typeid(Square)) << "\n";
    std::cout << "typeid(*a) == typeid(Square): " << (typeid(*a) == typeid(Square)) << "\n";
    std::cout << "main's dynamic_cast: " << (dynamic_cast<Square *>(a) != nullptr) << " "
              << (dynamic_cast<Square *>(b) != nullptr) << "\n";
    std::cout << "plugin's dynamic_cast of main's object: " << is_square(&mine) << "\n";
    std::string *d = describe({"b", "a", "b", "c", "b"});
    std::cout << "described: " << *d << "\n";
    delete d;
    delete a;
    delete b;
    std::cout << "main: dlclose\n";
    dlclose(h);
    std::cout << "main: done\n";
    return 0;
}
