/* A side module bundled with --dl-openable: functions, data, a pointer into its own data
 * (a data relocation), a constructor and a destructor, and libc calls main never makes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int counter = 41;
int *counter_ptr = &counter;
const char *greeting = "hello from libcalc";
static int constructed;

__attribute__((constructor)) static void init(void) {
    constructed++;
    printf("libcalc: constructor\n");
}

__attribute__((destructor)) static void fini(void) { printf("libcalc: destructor\n"); }

int add_counter(int x) { return x + *counter_ptr; }
int times_constructed(void) { return constructed; }

/* What the library itself sees as the address of its function and its data. */
void *address_of_add_counter(void) { return (void *)&add_counter; }
int *address_of_counter(void) { return &counter; }

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* Uses malloc, memcpy, qsort, snprintf, strlen, free. */
int sort_and_format(char *out, int n) {
    int in[5] = {5, 3, 9, 1, 7};
    int *v = malloc(sizeof in);
    memcpy(v, in, sizeof in);
    qsort(v, 5, sizeof(int), cmp);
    snprintf(out, n, "%d %d %d %d %d", v[0], v[1], v[2], v[3], v[4]);
    free(v);
    return (int)strlen(out);
}
