// A C++ plugin that throws, catches, rethrows and unwinds (tests/c/cxx/throws.cpp).
#include "errors.h"
#include <cstdint>
#include <exception>
#include <iostream>
#include <vector>

namespace {
// Its destructor runs when an exception unwinds the plugin's frame.
struct Guard {
    const char *name;
    ~Guard() { std::cout << "plugin: " << name << " unwound\n"; }
};
} // namespace

extern "C" void throw_kind(int kind) {
    Guard g{"throw_kind"};
    switch (kind) {
    case 0: throw std::runtime_error("runtime_error from the plugin");
    case 1: throw PluginError("PluginError from the plugin", 42);
    case 2: throw 7;
    case 3: {
        // libc++ throws on the plugin's behalf.
        std::vector<int> v(3);
        std::cout << v.at(10);
        break;
    }
    case 4: {
        volatile std::size_t huge = SIZE_MAX - 4096;
        char *p = new char[huge];
        std::cout << static_cast<void *>(p);
        break;
    }
    }
}

// Calls the program back; an exception from it unwinds through here.
extern "C" void call_through(callback cb, int arg) {
    Guard g{"call_through"};
    cb(arg);
    std::cout << "plugin: not reached\n";
}

// Catches what the program throws.
extern "C" const char *catch_from(callback cb, int arg) {
    try {
        cb(arg);
    } catch (const PluginError &e) {
        return e.code == 5 ? "PluginError 5" : "PluginError ?";
    } catch (const std::exception &e) {
        return "std::exception";
    } catch (...) {
        return "something else";
    }
    return "nothing";
}

// Catches, says so, rethrows the same object.
extern "C" void rethrow_from(callback cb, int arg) {
    try {
        cb(arg);
    } catch (...) {
        std::cout << "plugin: caught, rethrowing\n";
        throw;
    }
}

// Captures the exception as an exception_ptr for the program to rethrow.
extern "C" std::exception_ptr *capture(callback cb, int arg) {
    try {
        cb(arg);
    } catch (...) {
        return new std::exception_ptr(std::current_exception());
    }
    return nullptr;
}
