/* The benchmark program behind bin/bench. One source for every column: built natively with
 * gcc (glibc's dlopen), as a runtime-mode component (-ldl, reference host) and as link-time
 * components (wasm-tools component link, our libdl or wit-component's built-in one).
 *
 *   bench PHASE [args]
 *     sym                 dlsym hit (random order over all names) at 100/1,000/10,000
 *                         exports, dlsym miss, and dladdr of 1,000 functions and data
 *                         addresses (not in wit-component's libdl, built -DBENCH_NO_DLADDR)
 *     call                a call through a dlsym'd pointer vs through a pointer to a function
 *                         of the program itself
 *     open N REPS         REPS dlopen()s of libbig<N>.so, each timed alone (dlclose untimed)
 *     scale LIBS FUNCS    dlopen LIBS libraries (RTLD_GLOBAL) at once, heap growth per library,
 *                         dlsym(RTLD_DEFAULT) over all their names
 *
 * Libraries are opened as PREFIX + name, PREFIX from $BENCH_PREFIX (natively "./").
 * Output: one line per measurement, "R name median min max" in nanoseconds per operation
 * (or bytes, for "mem"), and "L name v1 v2 ..." for raw data (the clock readings around
 * each timed dlopen and first dlsym, which bin/bench matches with the host's profile).
 * Timing: CLOCK_MONOTONIC read twice per batch; a batch is long (milliseconds) because a
 * clock read costs microseconds under jco. Nothing here asserts a time.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define BATCHES 15
#define MAX_BATCHES 64

typedef unsigned (*fn_t)(unsigned);

static const char *prefix = "";

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Prints "R name median min max" over n samples (sorted in place). */
static void report(const char *name, double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("R %s %.4f %.4f %.4f\n", name, med, v[0], v[n - 1]);
    fflush(stdout);
}

static void *must_open(const char *lib, int mode) {
    char path[256];
    snprintf(path, sizeof path, "%s%s", prefix, lib);
    void *h = dlopen(path, mode);
    if (!h) {
        fprintf(stderr, "bench: dlopen %s: %s\n", path, dlerror());
        exit(1);
    }
    return h;
}

/* Deterministic shuffle (xorshift), the same order in every column. */
static uint32_t rng = 2463534242u;
static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}
static void shuffle(char **v, int n) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(next_rand() % (uint32_t)(i + 1));
        char *t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

static char **make_names(const char *fmt, int n) {
    char **v = malloc(sizeof *v * (size_t)n);
    for (int i = 0; i < n; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, fmt, i);
        v[i] = strdup(buf);
    }
    shuffle(v, n);
    return v;
}

/* Sink, so no lookup is optimised away. */
static volatile uintptr_t sink;

/* BATCHES timed batches (after one warm-up) of `ops` dlsym calls cycling over names. */
static void time_dlsym(const char *label, void *h, char **names, int n, int ops, int expect_hit) {
    double v[MAX_BATCHES];
    int k = 0;
    for (int b = -1; b < BATCHES; b++) {
        uintptr_t acc = 0;
        uint64_t t0 = now_ns();
        for (int i = 0; i < ops; i++) acc += (uintptr_t)dlsym(h, names[k++ % n]);
        uint64_t t1 = now_ns();
        if ((acc != 0) != expect_hit) {
            fprintf(stderr, "bench: %s: dlsym %s\n", label, expect_hit ? "missed" : "hit");
            exit(1);
        }
        sink += acc;
        if (b >= 0) v[b] = (double)(t1 - t0) / ops;
    }
    report(label, v, BATCHES);
}

#ifndef BENCH_NO_DLADDR
static void phase_addr(void);
#endif

static void phase_sym(void) {
    static const int sizes[] = {100, 1000, 10000};
    const int ops = 30000;
    for (int s = 0; s < 3; s++) {
        int n = sizes[s];
        char lib[64], label[64];
        snprintf(lib, sizeof lib, "libbig%d.so", n);
        void *h = must_open(lib, RTLD_NOW);
        char **hit = make_names("bfn_%d", n);
        snprintf(label, sizeof label, "dlsym_hit_%d", n);
        time_dlsym(label, h, hit, n, ops, 1);
        if (n == 10000) {
            char **miss = make_names("bfn_%d_missing", n);
            dlerror();
            time_dlsym("dlsym_miss_10000", h, miss, n, ops, 0);
        }
    }
#ifndef BENCH_NO_DLADDR
    phase_addr();
#endif
}

#ifndef BENCH_NO_DLADDR
/* BATCHES timed batches of `ops` dladdr calls cycling over addrs; each must name the symbol
 * at syms[i] (dladdr's answer is checked, so a wrong one is not timed as a fast one). */
static void time_dladdr(const char *label, void **addrs, void **syms, int n, int ops) {
    double v[MAX_BATCHES];
    int k = 0;
    for (int b = -1; b < BATCHES; b++) {
        uintptr_t bad = 0;
        uint64_t t0 = now_ns();
        for (int i = 0; i < ops; i++, k++) {
            Dl_info info;
            bad |= !dladdr(addrs[k % n], &info) || info.dli_saddr != syms[k % n];
        }
        uint64_t t1 = now_ns();
        if (bad) {
            fprintf(stderr, "bench: %s: dladdr gave a wrong answer\n", label);
            exit(1);
        }
        if (b >= 0) v[b] = (double)(t1 - t0) / ops;
    }
    report(label, v, BATCHES);
}

/* dladdr of 1,000 function pointers of libbig1000.so (exact symbols) and of addresses
 * inside 1,000 data symbols of libdata1000.so, in random order. */
static void phase_addr(void) {
    enum { N = 1000 };
    static void *addrs[N], *syms[N];
    void *h = must_open("libbig1000.so", RTLD_NOW);
    char **names = make_names("bfn_%d", N);
    for (int i = 0; i < N; i++) addrs[i] = syms[i] = dlsym(h, names[i]);
    time_dladdr("dladdr_func_1000", addrs, syms, N, 30000);
    h = must_open("libdata1000.so", RTLD_NOW);
    names = make_names("bdat_%d", N);
    for (int i = 0; i < N; i++) {
        syms[i] = dlsym(h, names[i]);
        addrs[i] = (char *)syms[i] + 4;
    }
    time_dladdr("dladdr_data_1000", addrs, syms, N, 30000);
}
#endif

/* Same shape as the generated bfn_0 (x * 3 + 0). */
__attribute__((noinline)) unsigned local_fn(unsigned x) { return x * 3u + 0u; }

static fn_t volatile fn_slot;

__attribute__((noinline)) static unsigned call_loop(int n) {
    fn_t f = fn_slot;
    unsigned acc = 1;
    for (int i = 0; i < n; i++) acc = f(acc + (unsigned)i);
    return acc;
}

static void phase_call(void) {
    void *h = must_open("libbig100.so", RTLD_NOW);
    fn_t dl = (fn_t)dlsym(h, "bfn_0");
    if (!dl || dl(7) != local_fn(7)) {
        fprintf(stderr, "bench: bfn_0 missing or wrong\n");
        exit(1);
    }
    const int ops = 2000000;
    double vl[MAX_BATCHES], vd[MAX_BATCHES];
    for (int b = -1; b < BATCHES; b++) { /* interleaved, so drift hits both alike */
        for (int which = 0; which < 2; which++) {
            fn_slot = which ? dl : local_fn;
            uint64_t t0 = now_ns();
            sink += call_loop(ops);
            uint64_t t1 = now_ns();
            if (b >= 0) (which ? vd : vl)[b] = (double)(t1 - t0) / ops;
        }
    }
    double vr[MAX_BATCHES]; /* paired ratios: drift and noisy neighbours cancel out */
    for (int b = 0; b < BATCHES; b++) vr[b] = vd[b] / vl[b];
    report("call_local", vl, BATCHES);
    report("call_dlsym", vd, BATCHES);
    report("call_ratio", vr, BATCHES);
}

/* Cost of one pair of clock reads (subtracted from single-operation timings). */
static double clock_pair_ns(void) {
    double v[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        const int ops = 50;
        uint64_t t0 = now_ns();
        for (int i = 0; i < ops; i++) sink += now_ns();
        v[b] = (double)(now_ns() - t0) / ops;
    }
    qsort(v, BATCHES, sizeof *v, cmp_double);
    return v[BATCHES / 2];
}

/* REPS dlopen()s of libbig<N>.so. Each is timed alone (dlclose untimed) when it costs well
 * above a clock read; otherwise (link-time modes: a table lookup) batches of dlopen+dlclose
 * pairs are timed, and the line says "batched". */
static void phase_open(int n, int reps) {
    char lib[64], label[64];
    snprintf(lib, sizeof lib, "libbig%d.so", n);
    double clk = clock_pair_ns();
    double v[MAX_BATCHES];
    if (reps > MAX_BATCHES) reps = MAX_BATCHES;
    printf("L clock_pair %.2f\n", clk);
    uint64_t t0;
    void *h;
    double first = 0; /* the cheapest of 3 probes decides how to time */
    for (int p = 0; p < 3; p++) {
        t0 = now_ns();
        h = must_open(lib, RTLD_NOW);
        double t = (double)(now_ns() - t0) - clk;
        dlclose(h);
        if (p == 0 || t < first) first = t;
    }
    snprintf(label, sizeof label, "dlopen_%d", n);
    if (first < 10 * clk + 1000) {
        const int ops = 200;
        for (int r = 0; r < reps; r++) {
            t0 = now_ns();
            for (int i = 0; i < ops; i++) dlclose(must_open(lib, RTLD_NOW));
            v[r] = (double)(now_ns() - t0) / ops;
        }
        printf("L dlopen_%d_batched 1\n", n);
        report(label, v, reps);
        return;
    }
    /* Each dlopen's clock readings too: under the reference host the guest's monotonic clock
     * is the host's, so bin/bench can subtract the host calls made inside each interval. */
    char last[64];
    snprintf(last, sizeof last, "bfn_%d", n - 1);
    uint64_t start[MAX_BATCHES], end[MAX_BATCHES], sym_end[MAX_BATCHES];
    double vs[MAX_BATCHES];
    for (int r = 0; r < reps; r++) {
        t0 = now_ns();
        h = must_open(lib, RTLD_NOW);
        uint64_t t1 = now_ns();
        /* The first lookup into the library, timed on its own: what a program that opens a
         * library to call one function (a Python extension's PyInit_*) pays on top. The last
         * function exported: the worst case for a search in export order. */
        void *f = dlsym(h, last);
        uint64_t t2 = now_ns();
        if (!f) {
            fprintf(stderr, "bench: dlsym %s: %s\n", last, dlerror());
            exit(1);
        }
        vs[r] = (double)(t2 - t1) - clk;
        sym_end[r] = t2;
        if (dlclose(h) != 0) {
            fprintf(stderr, "bench: dlclose: %s\n", dlerror());
            exit(1);
        }
        v[r] = (double)(t1 - t0) - clk;
        start[r] = t0;
        end[r] = t1;
    }
    printf("L dlopen_%d_interval", n);
    for (int r = 0; r < reps; r++) printf(" %llu %llu", (unsigned long long)start[r], (unsigned long long)end[r]);
    printf("\nL first_dlsym_%d_interval", n);
    for (int r = 0; r < reps; r++) printf(" %llu %llu", (unsigned long long)end[r], (unsigned long long)sym_end[r]);
    printf("\n");
    report(label, v, reps);
    snprintf(label, sizeof label, "first_dlsym_%d", n);
    report(label, vs, reps);
}

/* Bytes the program's heap holds: glibc's malloc statistics natively, the top of the
 * sbrk heap in wasm (wasi-libc's malloc grows linear memory through sbrk). */
static long heap_bytes(void) {
#ifdef __GLIBC__
    struct mallinfo2 m = mallinfo2();
    return (long)(m.uordblks + m.hblkhd);
#else
    return (long)(uintptr_t)sbrk(0);
#endif
}

static void phase_scale(int libs, int funcs) {
    void **h = malloc(sizeof *h * (size_t)libs);
    char lib[64];
    long heap0 = heap_bytes();
    uint64_t t0 = now_ns();
    for (int j = 0; j < libs; j++) {
        snprintf(lib, sizeof lib, "libs%04d.so", j);
        h[j] = must_open(lib, RTLD_NOW | RTLD_GLOBAL);
    }
    uint64_t t1 = now_ns();
    long heap1 = heap_bytes();
    printf("R scale_dlopen_each %.2f %.2f %.2f\n", (double)(t1 - t0) / libs,
           (double)(t1 - t0) / libs, (double)(t1 - t0) / libs);
    double mem = (double)(heap1 - heap0) / libs;
    printf("R mem_per_lib %.1f %.1f %.1f\n", mem, mem, mem);
    int n = libs * funcs;
    char **names = malloc(sizeof *names * (size_t)n);
    for (int j = 0; j < libs; j++)
        for (int i = 0; i < funcs; i++) {
            char buf[64];
            snprintf(buf, sizeof buf, "s%04d_%d", j, i);
            names[j * funcs + i] = strdup(buf);
        }
    shuffle(names, n);
    time_dlsym("dlsym_default_scale", RTLD_DEFAULT, names, n, 5000, 1);
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *p = getenv("BENCH_PREFIX");
    if (p) prefix = p;
    if (argc >= 2 && !strcmp(argv[1], "sym")) phase_sym();
    else if (argc >= 2 && !strcmp(argv[1], "call")) phase_call();
    else if (argc >= 4 && !strcmp(argv[1], "open")) phase_open(atoi(argv[2]), atoi(argv[3]));
    else if (argc >= 4 && !strcmp(argv[1], "scale")) phase_scale(atoi(argv[2]), atoi(argv[3]));
    else {
        fprintf(stderr, "usage: bench sym | call | open N REPS | scale LIBS FUNCS\n");
        return 2;
    }
    return 0;
}
