"""Imports every extension module in lib-dynload (each one a dlopen) and prints one line per
module, then a summary. Run by tests/python_wasi.rs inside python.wasm."""
import importlib
import os
import sys

dynload = os.path.join(sys.prefix, "lib", "python%d.%d" % sys.version_info[:2], "lib-dynload")
names = sorted({f.split(".")[0] for f in os.listdir(dynload) if f.endswith(".so")})
failed = 0
for name in names:
    try:
        module = importlib.import_module(name)
        assert module.__file__.startswith(dynload), (name, module.__file__)
    except Exception as e:  # report every failure, not just the first
        failed += 1
        print("FAIL %s: %s" % (name, e))
print("%d extension modules imported from lib-dynload, %d failed" % (len(names) - failed, failed))
sys.exit(1 if failed else 0)
