/* Bundled under a name with a directory part (--dl-openable ext/libnamed.so=...). */
int named_value(void) { return 7; }
