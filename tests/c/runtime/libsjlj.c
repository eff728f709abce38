/* setjmp/longjmp across a module boundary, from the plugin's side (tests/c/runtime/sjlj.c). */
#include <setjmp.h>
#include <stdio.h>

/* Unwinds from a few frames deep in the plugin to a setjmp in the caller. */
static void descend(jmp_buf *env, int depth, int value) {
    if (depth == 0) {
        printf("plugin: longjmp(%d) from depth 3\n", value);
        longjmp(*env, value);
    }
    descend(env, depth - 1, value);
}
void plugin_jump(jmp_buf *env, int value) { descend(env, 3, value); }

/* A setjmp in the plugin, around a callback into the program that longjmps back here. */
int plugin_catch(void (*callback)(jmp_buf *)) {
    jmp_buf env;
    volatile int calls = 0;
    int r = setjmp(env);
    if (r == 0) {
        calls++;
        callback(&env);
        return -1;
    }
    printf("plugin: caught %d after %d call(s)\n", r, calls);
    return r;
}

/* Both ends in the plugin: an error path that jumps out of a loop, many times. */
int plugin_local(int rounds) {
    int caught = 0;
    for (int i = 0; i < rounds; i++) {
        jmp_buf env;
        if (setjmp(env) == 0) {
            if (i % 2) longjmp(env, i);
        } else {
            caught++;
        }
    }
    return caught;
}
