/* A CPython extension module as a side module: `hello.f(x)` returns 21 * x, `hello.greet(obj)`
 * returns "hello, <str(obj)>!". Build with -DMODULE=name for another module name.
 *
 * The extracted CPython has no headers, so the few types and functions used are declared
 * here, as the CPython 3.14 C API defines them for a 32-bit target (wasm32: pointers and
 * Py_ssize_t are 4 bytes), using only the stable ABI. */
#ifndef MODULE
#define MODULE hello
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

typedef long Py_ssize_t;
typedef struct _object {
    Py_ssize_t ob_refcnt;
    void *ob_type;
} PyObject;
typedef PyObject *(*PyCFunction)(PyObject *self, PyObject *arg);
typedef struct {
    const char *ml_name;
    PyCFunction ml_meth;
    int ml_flags;
    const char *ml_doc;
} PyMethodDef;
typedef struct {
    PyObject ob_base;
    PyObject *(*m_init)(void);
    Py_ssize_t m_index;
    PyObject *m_copy;
} PyModuleDef_Base;
typedef struct {
    PyModuleDef_Base m_base;
    const char *m_name;
    const char *m_doc;
    Py_ssize_t m_size;
    PyMethodDef *m_methods;
    void *m_slots, *m_traverse, *m_clear, *m_free;
} PyModuleDef;
#define METH_O 0x0008
#define PYTHON_API_VERSION 1013

PyObject *PyModule_Create2(PyModuleDef *def, int api_version);
long PyLong_AsLong(PyObject *obj);
PyObject *PyLong_FromLong(long v);
PyObject *PyErr_Occurred(void);
PyObject *PyUnicode_FromFormat(const char *format, ...);

/* f(x): an int in, an int out; a TypeError for anything that is not an integer. */
static PyObject *f(PyObject *self, PyObject *arg) {
    long x = PyLong_AsLong(arg);
    if (x == -1 && PyErr_Occurred())
        return 0;
    return PyLong_FromLong(21 * x);
}

/* greet(obj): any object in, a str out. */
static PyObject *greet(PyObject *self, PyObject *arg) {
    return PyUnicode_FromFormat("hello, %S!", arg);
}

static PyMethodDef methods[] = {
    {"f", f, METH_O, "f(x) -> 21 * x"},
    {"greet", greet, METH_O, "greet(obj) -> 'hello, <str(obj)>!'"},
    {0, 0, 0, 0},
};

static PyModuleDef module = {
    {{1, 0}, 0, 0, 0}, /* PyModuleDef_HEAD_INIT */
    STR(MODULE),
    "A C extension module loaded through wasm-libdl.",
    -1,
    methods,
    0, 0, 0, 0,
};

PyObject *CAT(PyInit_, MODULE)(void) {
    return PyModule_Create2(&module, PYTHON_API_VERSION);
}
