/* The other half of the cycle: needs libcyc_a.so. */
#include <stdio.h>

int a_plus_one(int);
extern int a_calls;
int b_calls;

__attribute__((constructor)) static void init(void) { printf("libcyc_b: constructor\n"); }
__attribute__((destructor)) static void fini(void) { printf("libcyc_b: destructor\n"); }

int b_twice(int x) { b_calls++; return a_plus_one(a_plus_one(x)); }
int *a_calls_address(void) { return &a_calls; }
