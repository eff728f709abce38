/* plugins/deps/libdep.so */
int dep_value(void) { return 41; }
