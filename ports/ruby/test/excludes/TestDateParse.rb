exclude :test__parse_too_long_year, "Timeout.timeout starts a thread: WASI has no threads"
