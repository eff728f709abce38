exclude(/\Atest_/, "runs its Ractor in a Ruby subprocess (assert_ractor): WASI has no processes")
