// Shared by the program and the plugin (tests/c/cxx/throws.cpp): an exception class both
// modules define (vague linkage: no key function), so a handler in one module matches an
// object thrown in the other only if they agree on its typeinfo.
#include <stdexcept>
#include <string>

struct PluginError : std::runtime_error {
    int code;
    PluginError(const std::string &what, int code) : std::runtime_error(what), code(code) {}
};

// What the program's callbacks throw, through the plugin's frames.
typedef void (*callback)(int);
