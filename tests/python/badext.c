/* Extension modules that cannot load, for tests/python_wasi.rs: built with -DMISSING_SYMBOL
 * it imports a function nobody defines; with -DNO_INIT it defines no PyInit_ function. */
#include <Python.h>

#ifdef MISSING_SYMBOL
extern int wasm_libdl_no_such_function(void);
static PyObject *call(PyObject *self, PyObject *args) { return PyLong_FromLong(wasm_libdl_no_such_function()); }
static PyMethodDef methods[] = {{"call", call, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "missing", NULL, -1, methods};
PyMODINIT_FUNC PyInit_missing(void) { return PyModule_Create(&def); }
#endif

#ifdef NO_INIT
int noinit_answer(void) { return 42; }
#endif
