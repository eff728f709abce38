/* One WASI environment, two hosts (issue 17): argv, environment, stdin, clocks, random, the
 * file system (create, write, append, truncate, rename, mkdir/rmdir, readdir, stat, unlink,
 * O_EXCL, a temporary directory), a deep C recursion within the default 1 MiB C stack, and the
 * exit status. tests/env.rs runs it on the reference host and on wasmtime and compares the
 * transcripts and exit statuses; it also runs natively, where glibc gives the same. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define T(cond) do { if (!(cond)) { printf("FAIL line %d: %s (errno %d: %s)\n", __LINE__, #cond, errno, strerror(errno)); fails++; } } while (0)

static int depth(int n, volatile char *up) {
    volatile char frame[64];
    frame[0] = (char)n;
    frame[63] = up[0];
    return n == 0 ? frame[0] : depth(n - 1, frame) + 1;
}

static int entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int main(int argc, char **argv) {
    printf("argc %d:", argc);
    for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\nENV_TEST_VAR=%s\n", getenv("ENV_TEST_VAR") ? getenv("ENV_TEST_VAR") : "(unset)");

    char line[128] = "";
    T(fgets(line, sizeof line, stdin) != NULL);
    printf("stdin: %s", line);

    struct timespec m1, m2, w;
    T(clock_gettime(CLOCK_MONOTONIC, &m1) == 0 && clock_gettime(CLOCK_MONOTONIC, &m2) == 0);
    T(m2.tv_sec > m1.tv_sec || (m2.tv_sec == m1.tv_sec && m2.tv_nsec >= m1.tv_nsec));
    T(clock_gettime(CLOCK_REALTIME, &w) == 0 && w.tv_sec > 1700000000);
    unsigned char r1[16], r2[16];
    T(getentropy(r1, sizeof r1) == 0 && getentropy(r2, sizeof r2) == 0 && memcmp(r1, r2, sizeof r1) != 0);
    printf("clocks and random: ok\n");

    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "tmp";
    char dir[256], path[300], path2[300];
    snprintf(dir, sizeof dir, "%s/envtest-%d", tmp, 1);
    T(mkdir(tmp, 0755) == 0 || errno == EEXIST);
    T(mkdir(dir, 0755) == 0);
    snprintf(path, sizeof path, "%s/a.txt", dir);
    snprintf(path2, sizeof path2, "%s/b.txt", dir);
    FILE *f = fopen(path, "w");
    T(f && fputs("hello\n", f) >= 0 && fclose(f) == 0);
    f = fopen(path, "a");
    T(f && fputs("world\n", f) >= 0 && fclose(f) == 0);
    struct stat st;
    T(stat(path, &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode));
    int fd = open(path, O_WRONLY | O_TRUNC);
    T(fd >= 0 && write(fd, "xyz", 3) == 3 && close(fd) == 0);
    T(stat(path, &st) == 0 && st.st_size == 3);
    T(truncate(path, 1) == 0 && stat(path, &st) == 0 && st.st_size == 1);
    T(rename(path, path2) == 0 && access(path, F_OK) != 0 && access(path2, F_OK) == 0);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    T(fd >= 0 && close(fd) == 0);
    T(open(path, O_WRONLY | O_CREAT | O_EXCL, 0600) < 0 && errno == EEXIST);
    printf("readdir: %d entries\n", entries(dir));
    f = fopen(path2, "r");
    T(f && fgets(line, sizeof line, f) && strcmp(line, "x") == 0 && fclose(f) == 0);
    T(unlink(path) == 0 && unlink(path2) == 0 && rmdir(dir) == 0);
    T(stat(dir, &st) != 0 && errno == ENOENT);
    printf("files: ok\n");

    /* Pipes here (tests/env.rs): not terminals, so programs write no colour codes into them. */
    printf("isatty: %d %d %d\n", isatty(0), isatty(1), isatty(2));
    printf("recursion: %d\n", depth(12000, "x"));
    printf("%d failures\n", fails);
    return fails ? 1 : 7;
}
