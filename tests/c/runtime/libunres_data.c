/* libunres_data.so: reads a datum nobody defines (a non-weak GOT.mem import). */
extern int nowhere_data;
int read_nowhere(void) { return nowhere_data; }
