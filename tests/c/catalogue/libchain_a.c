int chain_a(void) { return 'a'; }
