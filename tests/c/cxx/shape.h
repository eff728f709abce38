// Shared by the program and the plugin (tests/c/cxx/shapes.cpp): a polymorphic class whose
// vtable and typeinfo both modules define (vague linkage), as every C++ header class is.
#include <string>

struct Shape {
    virtual ~Shape() {}
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};

struct Square : Shape {
    double side;
    explicit Square(double s) : side(s) {}
    double area() const override { return side * side; }
    std::string name() const override { return "square"; }
};
