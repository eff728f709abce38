# CMake platform file for CMAKE_SYSTEM_NAME=WASI (CMake 3.25 has none): a Unix-like target
# with static libraries only, so that LLVM's runtimes configure for it.
set(WASI 1)
set(UNIX 1)
set(CMAKE_STATIC_LIBRARY_PREFIX "lib")
set(CMAKE_STATIC_LIBRARY_SUFFIX ".a")
set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
set(CMAKE_FIND_LIBRARY_PREFIXES "lib")
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a")
