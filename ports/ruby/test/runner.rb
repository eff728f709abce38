# frozen_string_literal: true
# Ruby's own test runner (tool/lib/test/unit, what `make test-all` runs) for the wasm Ruby:
#
#   ruby -I tool/lib ports/ruby/test/runner.rb -X ports/ruby/test/excludes [runner options] test/DIR...
#
# It sets up what tool/test/init.rb sets up, except ZombieHunter: that asserts after every
# test that Process.waitall reaps no child, and WASI has no processes (waitall raises ENOTSUP,
# which would fail every test). What WASI cannot run at all is listed, with the reason, in
# excludes/ (Ruby's own exclude-file format, one file per test class).
ENV["GEM_SKIP"] = ENV["GEM_HOME"] = ENV["GEM_PATH"] = ""
Warning[:experimental] = false
require "rbconfig"
require "test/unit"
require "tracepointchecker"
require "iseq_loader_checker"
require "gc_checker"
exit Test::Unit::AutoRunner.run(true, "test")
