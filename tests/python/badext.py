"""Bad extension modules raise ImportError carrying libdl's dlerror text, and the interpreter
keeps working. Run by tests/python_wasi.rs with the bad modules in the current directory."""
import sys

sys.path.insert(0, ".")
for name in ("corrupt", "missing", "noinit"):
    try:
        __import__(name)
        print("%s: imported?!" % name)
    except ImportError as e:
        print("%s: ImportError: %s" % (name, e))
import json
print("still working:", json.dumps({"ok": True}))
