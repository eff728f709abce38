/* A `python` command for link-time mode: CPython's own main, plus one line that helps
 * extension modules loaded at run time (see below). */
#include <dlfcn.h>

int Py_BytesMain(int argc, char **argv);

int main(int argc, char **argv) {
    /* When libpython3.14.so is also bundled dl-openable, make its symbols global, so that an
     * extension module that dlopen loads from a file at run time (on a host with
     * wasi:module-loader, with build/lib/libdl.so) can import the Python C API. Otherwise
     * this finds nothing and changes nothing. */
    if (!dlopen("libpython3.14.so", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL))
        dlerror();
    return Py_BytesMain(argc, argv);
}
