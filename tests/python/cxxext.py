"""A C++ extension module (tests/python/cxxext.cpp) imported by the C interpreter: it brings
libc++.so with it. Run by tests/python_wasi.rs with the module in the current directory."""
import sys

sys.path.insert(0, ".")
import cxxdemo

print(cxxdemo.sorted_words("pear apple fig"))
print(cxxdemo.checked_at(1))
try:
    cxxdemo.checked_at(5)
except IndexError as e:
    print("IndexError:", e)
print("done")
