/* libuser.so: calls `provided`, which only libprovider.so defines, with no NEEDED entry: it
 * links only if libprovider.so is in the global scope. */
int provided(int x);
int use_provided(int x) { return provided(x) * 2; }
