// What a C++ exception costs, thrown in one module and caught in another against one thrown
// and caught in the same module. Built twice: with -DPLUGIN the side module (its `thrower`),
// without it the program, which prints the ns of one throw+catch, across then local, each the
// median of 5 batches. No time is asserted (bench/run.py prints it against g++).
#include <cstdio>
#include <ctime>
#ifndef PLUGIN
#include <algorithm>
#include <dlfcn.h>
#endif

extern "C" __attribute__((noinline)) void thrower(int i) { throw i; }

#ifndef PLUGIN
static double now_ns() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

// ns per throw+catch of `f`, the median of 5 batches of n.
static double per_throw(void (*f)(int), int n, long &sum) {
    double b[5];
    for (double &x : b) {
        double t0 = now_ns();
        for (int i = 0; i < n; i++) {
            try {
                f(i);
            } catch (int v) {
                sum += v;
            }
        }
        x = (now_ns() - t0) / n;
    }
    std::sort(b, b + 5);
    return b[2];
}

int main() {
    void *h = dlopen("./libthrowb.so", RTLD_NOW);
    if (!h) {
        std::printf("dlopen: %s\n", dlerror());
        return 1;
    }
    auto across = reinterpret_cast<void (*)(int)>(dlsym(h, "thrower"));
    long sum = 0;
    double a = per_throw(across, 20000, sum), l = per_throw(thrower, 20000, sum);
    std::printf("%.1f %.1f %ld\n", a, l, sum);
    return 0;
}
#endif
