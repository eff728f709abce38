/* libptr.so: takes the address of its own function (GOT.func), stores it in data (a data
 * relocation), and compares a pointer from main with main's function (GOT.func again). */
int ptr_target(int x) { return x * 3; }
int (*ptr_stored)(int) = ptr_target;

void *ptr_self(void) { return (void *)&ptr_target; }

int main_fn(int x);
int ptr_is_main_fn(int (*f)(int)) { return f == &main_fn; }
void *ptr_main_fn(void) { return (void *)&main_fn; }
int ptr_call(int (*f)(int), int x) { return f(x); }
