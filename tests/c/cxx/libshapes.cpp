// A C++ plugin: a class of its own, objects of the program's class, static constructors and
// destructors, and the standard library (string, vector, map, iostream, ostringstream).
#include "shape.h"
#include <iostream>
#include <map>
#include <sstream>
#include <typeinfo>
#include <vector>

namespace {
struct Circle : Shape {
    double r;
    explicit Circle(double r) : r(r) {}
    double area() const override { return 3.0 * r * r; }
    std::string name() const override { return "circle"; }
};

struct Announce {
    Announce() { std::cout << "plugin: static constructor\n"; }
    ~Announce() { std::cout << "plugin: static destructor\n"; }
} announce;
}  // namespace

extern "C" Shape *make_shape(int kind) {
    if (kind == 0) return new Square(3);
    return new Circle(2);
}

extern "C" const std::type_info *square_type() { return &typeid(Square); }

extern "C" bool is_square(const Shape *s) { return dynamic_cast<const Square *>(s) != nullptr; }

extern "C" std::string *describe(const std::vector<std::string> &words) {
    std::map<std::string, int> counts;
    for (const auto &w : words) counts[w]++;
    std::ostringstream out;
    for (const auto &[w, n] : counts) out << w << "=" << n << " ";
    return new std::string(out.str());
}
