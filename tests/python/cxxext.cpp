// A C++ extension module for tests/python/cxxext.py: the standard library (string, vector,
// algorithm) and exceptions, thrown and caught inside the module, one of them turned into a
// Python exception. Its libc++ is ports/libcxx's libc++.so, which it lists as NEEDED (the
// interpreter, a C program, has none) and finds on the library search path (the test puts it
// in the current directory).
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

// "pear apple fig" -> "apple,fig,pear"
static PyObject *sorted_words(PyObject *, PyObject *arg) {
    const char *s = PyUnicode_AsUTF8(arg);
    if (!s) return nullptr;
    std::vector<std::string> words;
    std::string word;
    for (const char *p = s;; p++) {
        if (*p == ' ' || *p == '\0') {
            if (!word.empty()) words.push_back(word);
            word.clear();
            if (*p == '\0') break;
        } else {
            word += *p;
        }
    }
    std::sort(words.begin(), words.end());
    std::string out;
    for (const auto &w : words) out += (out.empty() ? "" : ",") + w;
    return PyUnicode_FromString(out.c_str());
}

// [10, 20, 30].at(i), std::out_of_range becoming IndexError.
static PyObject *checked_at(PyObject *, PyObject *args) {
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "n", &i)) return nullptr;
    try {
        std::vector<long> v{10, 20, 30};
        return PyLong_FromLong(v.at(static_cast<size_t>(i)));
    } catch (const std::out_of_range &) {
        PyErr_SetString(PyExc_IndexError, "index out of range (std::out_of_range caught in C++)");
        return nullptr;
    }
}

static PyMethodDef methods[] = {
    {"sorted_words", sorted_words, METH_O, "Sort the words of a string."},
    {"checked_at", checked_at, METH_VARARGS, "Index a vector with at()."},
    {nullptr, nullptr, 0, nullptr},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cxxdemo", nullptr, -1, methods};

PyMODINIT_FUNC PyInit_cxxdemo(void) { return PyModule_Create(&module); }
