/* libsearch.so: found through LD_LIBRARY_PATH. */
int search_value(void) { return 7; }
