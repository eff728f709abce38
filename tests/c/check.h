/* Tiny test helpers for the C programs the integration tests run. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>

static int check_failures;

/* Record a failure (with the line) but keep going, so one run reports every problem. */
#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                  \
            check_failures++;                                                       \
        }                                                                           \
    } while (0)

/* dlerror() must be a string containing `part`; prints it so expected output pins it. */
#define CHECK_ERROR(part)                                                           \
    do {                                                                            \
        const char *e_ = dlerror();                                                 \
        if (!e_ || !strstr(e_, (part))) {                                           \
            printf("FAIL %s:%d: dlerror() = %s, wanted \"%s\"\n", __FILE__, __LINE__, \
                   e_ ? e_ : "NULL", (part));                                       \
            check_failures++;                                                       \
        } else {                                                                    \
            printf("dlerror: %s\n", e_);                                            \
        }                                                                           \
        CHECK(dlerror() == NULL);                                                   \
    } while (0)

#define CHECK_DONE() (printf("%d failures\n", check_failures), check_failures != 0)
#endif
