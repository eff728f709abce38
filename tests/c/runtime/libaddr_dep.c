/* The NEEDED dependency of libaddr.so (addr.c): loaded after it, listed after it. */
int addr_dep_datum = 11;
int addr_dep_func(int x) { return x + addr_dep_datum - 11; }
