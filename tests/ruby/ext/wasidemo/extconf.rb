# A small C extension of this project's own (issue 14's demo for bin/rbwasi-build-ext).
require "mkmf"
have_func("rb_gc_count", "ruby.h") or abort "no rb_gc_count"
create_makefile("wasidemo")
