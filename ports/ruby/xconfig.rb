# Required by bin/rbwasi-build-ext after the build's wasm32-wasi-fake.rb (the target's RbConfig):
# the compiler and LDSHARED of this checkout (RBWASI_CC, RBWASI_LDSHARED) in place of the paths
# the cached build was configured with, for mkmf's checks and the Makefile it writes.
require "rbconfig"
{ "CC" => "RBWASI_CC", "LDSHARED" => "RBWASI_LDSHARED" }.each do |name, var|
  value = ENV.fetch(var)
  RbConfig::CONFIG[name] = value
  RbConfig::MAKEFILE_CONFIG[name] = value
end
