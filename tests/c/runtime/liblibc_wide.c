/* A plugin that uses libc functions and data objects its program never calls (issue 18 item
 * 2): regex, fnmatch, directories, time parsing, memmem, strtoimax, multibyte strings, getopt,
 * libm, sockets, signals and getpid (wasi-emulated), clock_gettime(CLOCK_MONOTONIC) (a data
 * object reached through GOT.mem). Each result is checked here and reported in one line. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define EXPECT(cond) do { if (!(cond)) { printf("plugin FAIL: %s\n", #cond); fails++; } } while (0)

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

int exercise(void) {
    regex_t re;
    EXPECT(regcomp(&re, "^ab+c$", REG_EXTENDED | REG_NOSUB) == 0);
    EXPECT(regexec(&re, "abbbc", 0, NULL, 0) == 0 && regexec(&re, "ac", 0, NULL, 0) == REG_NOMATCH);
    regfree(&re);
    EXPECT(fnmatch("*.so", "libx.so", 0) == 0 && fnmatch("*.so", "x.txt", 0) == FNM_NOMATCH);
    DIR *d = opendir(".");
    int entries = 0;
    if (d) {
        while (readdir(d)) entries++;
        closedir(d);
    }
    EXPECT(d && entries > 2);
    struct tm tm = {0};
    EXPECT(strptime("2026-12-04 01:02:03", "%Y-%m-%d %H:%M:%S", &tm) && tm.tm_year == 126 && tm.tm_mday == 4);
    EXPECT(memmem("hello world", 11, "o w", 3) != NULL);
    EXPECT(strtoimax("-9000000000", NULL, 10) == INTMAX_C(-9000000000));
    wchar_t w[8];
    EXPECT(mbstowcs(w, "abc", 8) == 3 && w[2] == L'c');
    char *argv[] = {"prog", "-x", "7", NULL};
    optind = 1;
    EXPECT(getopt(3, argv, "x:") == 'x' && strcmp(optarg, "7") == 0);
    EXPECT(lrint(2.5) == 2 && fabs(acosh(1.0)) < 1e-12 && fabs(erf(0.5) - 0.5204998778) < 1e-9);
    /* The socket API links; whether the host grants network access is its policy (stock
     * wasmtime's Python embedding grants none): a refusal is an errno, not a trap. */
    errno = 0;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT(s >= 0 || errno != 0);
    if (s >= 0) close(s);
    EXPECT(signal(SIGUSR1, on_signal) != SIG_ERR && raise(SIGUSR1) == 0 && got_signal == SIGUSR1);
    EXPECT(getpid() > 0);
    struct timespec a, b;
    EXPECT(clock_gettime(CLOCK_MONOTONIC, &a) == 0 && clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    EXPECT(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    printf("plugin: libc calls done, %d failed\n", fails);
    return fails;
}
