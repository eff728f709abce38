exclude :test_initialize_copy_md5_rmd160, "spawns a Ruby subprocess (assert_separately): WASI has no processes"
