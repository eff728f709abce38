/* Half of a dependency cycle: needs libcyc_b.so, which needs this library. */
#include <stdio.h>

int b_twice(int);
extern int b_calls;
int a_calls;
static int a_ctors;

__attribute__((constructor)) static void init(void) { printf("libcyc_a: constructor %d\n", ++a_ctors); }
__attribute__((destructor)) static void fini(void) { printf("libcyc_a: destructor\n"); }

int a_plus_one(int x) { a_calls++; return x + 1; }

/* a -> b -> a: b_twice calls back into a_plus_one. */
int a_entry(int x) { return b_twice(x) + b_calls * 1000; }
