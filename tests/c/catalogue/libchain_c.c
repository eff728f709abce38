int chain_c(void) { return 'c'; }
