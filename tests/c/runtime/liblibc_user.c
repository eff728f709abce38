/* liblibc_user.so: exercises libc functions main never calls itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int run_libc(void) {
    int failures = 0;
    const char *words[] = {"pear", "apple", "fig", "banana"};
    char **copy = malloc(sizeof words);
    if (!copy) return 100;
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(words[i]) + 1;
        copy[i] = malloc(n);
        memcpy(copy[i], words[i], n);
    }
    qsort(copy, 4, sizeof *copy, cmp);
    char line[64];
    int len = snprintf(line, sizeof line, "%s,%s,%s,%s", copy[0], copy[1], copy[2], copy[3]);
    if (len != (int)strlen(line) || strcmp(line, "apple,banana,fig,pear") != 0) failures++;
    printf("liblibc_user: sorted %s (%d chars)\n", line, len);
    for (int i = 0; i < 4; i++) free(copy[i]);
    free(copy);
    return failures;
}
