/* A library that calls its own weak definitions (what C++ vague linkage produces): wasm-ld
 * makes them preemptible, so the module imports env.helper for its own calls and exports it. */
__attribute__((weak)) int helper(int x) { return x + 1; }
__attribute__((weak)) int weak_counter = 40;
int call_helper(int x) { return helper(x); }
void *helper_addr(void) { return (void *)&helper; }
int *counter_addr(void) { return &weak_counter; }
int bump(void) { return ++weak_counter; }
