/* A library whose constructor counts its loads: one file opened under several names is
 * loaded (and constructed) once. */
int loads;
__attribute__((constructor)) static void loaded(void) { loads++; }
int *loads_addr(void) { return &loads; }
