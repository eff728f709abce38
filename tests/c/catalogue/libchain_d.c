int chain_d(void) { return 'd'; }
