/* plugins/libtop.so: NEEDED libdep.so, found through its RUNPATH $ORIGIN/deps. */
int dep_value(void);
int top_value(void) { return dep_value() + 1; }
