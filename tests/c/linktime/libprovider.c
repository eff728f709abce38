/* Defines `provided` and `dup_sym` (also defined by libdup). */
int provided(int x) { return x + 2000; }
int dup_sym(void) { return 1; }
