/* libgone.so: only exists while libneeds_gone.so is linked. */
int gone_value(void) { return 1; }
