/* libgood.so: a well-formed library to load after every failure. */
int good_value(void) { return 42; }
