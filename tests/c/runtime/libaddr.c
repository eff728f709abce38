/* A library for dladdr/dlinfo (addr.c): exported functions and data, and hidden ones. */
int lib_table[4] = {1, 2, 3, 4};
int lib_counter = 7;
static int hidden_datum = 3;

int addr_dep_func(int x); /* from libaddr_dep.so, its NEEDED dependency */

int lib_func(int x) { return addr_dep_func(x) * 2; }
static int hidden_func(int x) { return x - 1; }

/* Addresses taken inside the library. */
int (*lib_func_addr(void))(int) { return lib_func; }
int (*lib_hidden_func_addr(void))(int) { return hidden_func; }
int *lib_hidden_datum_addr(void) { return &hidden_datum; }
