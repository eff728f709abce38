/* libinner.so: opened from libouter.so's constructor. */
#include <stdio.h>

__attribute__((constructor)) static void init(void) { printf("libinner: constructor\n"); }
__attribute__((destructor)) static void fini(void) { printf("libinner: destructor\n"); }

int inner_value(void) { return 99; }
