/* Thread-local data, exported (TLS_HIDDEN unset) or only used inside (TLS_HIDDEN). Built with
 * -pthread it is real TLS, which libdl refuses; built without, it is plain data and works. */
#ifdef TLS_HIDDEN
static
#endif
_Thread_local int counter = 5;
int next_counter(void) { return ++counter; }
