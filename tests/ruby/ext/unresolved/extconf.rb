# An extension that needs a function no one defines (tests/ruby/badext.rb): require must raise
# LoadError with libdl's dlerror text.
require "mkmf"
create_makefile("unresolved")
