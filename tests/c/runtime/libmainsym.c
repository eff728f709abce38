/* libmainsym.so: uses a function (env import) and a datum (GOT.mem) that main defines. */
extern int main_value;
int main_func(int x);

int lib_uses_main(int x) {
    main_value += 1;
    return main_func(x) * 10;
}
int *lib_main_value_addr(void) { return &main_value; }
