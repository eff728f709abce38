exclude(/\Atest_/, "spawns a Ruby subprocess (assert_separately): WASI has no processes")
