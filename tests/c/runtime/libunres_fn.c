/* libunres_fn.so: calls a function nobody defines (a non-weak env import). */
int nowhere_function(void);
int call_nowhere(void) { return nowhere_function(); }
