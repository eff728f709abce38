exclude :test_overflow, "spawns a Ruby subprocess (assert_separately): WASI has no processes"
