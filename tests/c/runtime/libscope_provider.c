/* libprovider.so: defines functions other libraries use without a NEEDED entry. */
int provided(int x) { return x + 1000; }
int dup_sym(void) { return 1; }
