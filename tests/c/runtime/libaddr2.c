/* A second library for addr.c, opened later: it goes to the end of the link map. */
int addr2_func(void) { return 2; }
