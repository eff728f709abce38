// An uncaught C++ exception ends the program as on Linux: libc++abi's terminate handler
// prints "terminating due to uncaught exception of type T: what()" and aborts. Wasm has no
// two-phase unwinding, so without this the exception would leave `_start` and the engine
// would end the program with its own error (an uncaught Wasm exception). The C++ drivers link
// it into programs (not side modules) with `-Wl,--wrap=__main_void`: crt1's call of
// `__main_void` (main, with or without arguments) comes here. Unlike Linux, the frames between
// the throw and main have been unwound (their destructors ran) when terminate is called.
#include <exception>

extern "C" int __real___main_void(void);

extern "C" int __wrap___main_void(void) {
    try {
        return __real___main_void();
    } catch (...) {
        std::terminate();
    }
}
