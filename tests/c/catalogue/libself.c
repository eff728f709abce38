int self_value(void) { return 1; }
