// A C++ plugin with a C interface, for a C program (tests/c/cxx/chost.c): the standard
// library (string, vector, algorithm, iostream) and, when built with exceptions, a throw
// caught inside the plugin and one thrown by the library (std::vector::at).
#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" int sort_words(const char *const *words, int n) {
    std::vector<std::string> v(words, words + n);
    std::sort(v.begin(), v.end());
    for (const auto &w : v) std::cout << w << " ";
    std::cout << std::endl;
    return static_cast<int>(v.size());
}

extern "C" const char *checked(int i) {
#if __cpp_exceptions
    try {
        if (i < 0) throw std::invalid_argument("negative");
        std::vector<int> v(3);
        return v.at(i) == 0 ? "in range" : "?";
    } catch (const std::out_of_range &) {
        return "out of range";
    } catch (const std::exception &e) {
        return "invalid";
    }
#else
    return i < 0 ? "invalid" : i < 3 ? "in range" : "out of range";
#endif
}
