# Required by bin/rbwasi-build-ext after the build's wasm32-wasi-fake.rb (the host Ruby posing
# as the target's version): mkmf then configures a third-party extension against the install
# (RBWASI_ARCHDIR: its rbconfig.rb, which finds the headers and libraries next to itself), not
# as one of Ruby's own extensions inside the build tree (fake.rb's $extmk hook, removed here),
# with this checkout's compiler and LDSHARED (RBWASI_CC, RBWASI_LDSHARED) in place of the paths
# the cached build was configured with.
untrace_var(:$extmk)
$LOAD_PATH.unshift(ENV.fetch("RBWASI_ARCHDIR"))
require "rbconfig"
{ "CC" => "RBWASI_CC", "LDSHARED" => "RBWASI_LDSHARED" }.each do |name, var|
  value = ENV.fetch(var)
  RbConfig::CONFIG[name] = value
  RbConfig::MAKEFILE_CONFIG[name] = value
end
