/* setjmp/longjmp within the program, from a plugin to the program, from the program into a
 * plugin's setjmp through the plugin's own frames, and within a plugin. */
#include <dlfcn.h>
#include <setjmp.h>
#include "check.h"

static jmp_buf top;
static int depth_reached;

static void recurse(int n) {
    depth_reached = n;
    if (n == 100) longjmp(top, n);
    recurse(n + 1);
}

static void jump_back(jmp_buf *env) {
    printf("main: longjmp(7) into the plugin's setjmp\n");
    longjmp(*env, 7);
}

int main(void) {
    volatile int stage = 0;
    int r = setjmp(top);
    if (r == 0) {
        stage = 1;
        recurse(0);
    }
    printf("main: setjmp returned %d at depth %d (stage %d)\n", r, depth_reached, stage);

    void *h = dlopen("./libsjlj.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
    void (*jump)(jmp_buf *, int) = (void (*)(jmp_buf *, int))dlsym(h, "plugin_jump");
    int (*catch_)(void (*)(jmp_buf *)) = (int (*)(void (*)(jmp_buf *)))dlsym(h, "plugin_catch");
    int (*local)(int) = (int (*)(int))dlsym(h, "plugin_local");
    CHECK(jump && catch_ && local);

    jmp_buf env;
    r = setjmp(env);
    if (r == 0) {
        jump(&env, 42);
        printf("not reached\n");
    }
    printf("main: the plugin's longjmp gave %d\n", r);
    CHECK(catch_(jump_back) == 7);
    CHECK(local(1000) == 500);
    printf("main: plugin_local caught 500 of 1000\n");
    /* Again after all that: the state is intact. */
    r = setjmp(env);
    if (r == 0) jump(&env, 43);
    CHECK(r == 43);
    CHECK(dlclose(h) == 0);
    return CHECK_DONE();
}
