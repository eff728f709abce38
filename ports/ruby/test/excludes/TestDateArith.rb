exclude :test_new_offset, "Timeout.timeout starts a thread: WASI has no threads"
exclude :test__plus__ex, "Timeout.timeout starts a thread: WASI has no threads"
