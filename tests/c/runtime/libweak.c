/* libweak.so: weak references, two nobody defines and one main defines. */
__attribute__((weak)) extern int weak_data;
__attribute__((weak)) int weak_fn(void);
__attribute__((weak)) extern int weak_main_data;
__attribute__((weak)) int weak_main_fn(void);

int weak_data_is_null(void) { return &weak_data == 0; }
int weak_fn_is_null(void) { return weak_fn == 0; }
int call_weak_fn(void) { return weak_fn ? weak_fn() : -1; }
int read_weak_data(void) { return &weak_data ? weak_data : -1; }
int *weak_main_data_addr(void) { return &weak_main_data; }
void *weak_main_fn_addr(void) { return (void *)weak_main_fn; }
int call_weak_main_fn(void) { return weak_main_fn ? weak_main_fn() : -1; }
