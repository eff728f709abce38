/* Defines `dup_sym` (as libprovider does) and `only_in_dup`. */
int dup_sym(void) { return 2; }
int only_in_dup(void) { return 3; }
