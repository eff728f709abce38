int good_value(void) { return 42; }
int good_data = 43;
