int chain_b(void) { return 'b'; }
