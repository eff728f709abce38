/* libdup.so: a second definition of dup_sym. */
int dup_sym(void) { return 2; }
int only_in_dup(void) { return 3; }
