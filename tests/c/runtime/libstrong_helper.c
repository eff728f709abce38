/* A strong definition of helper: opened RTLD_GLOBAL, it interposes on later libraries' weak ones. */
int helper(int x) { return x * 1000; }
