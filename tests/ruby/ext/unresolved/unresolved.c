/* Calls a function that neither the interpreter nor any library defines: the link leaves it
 * an import, and dlopen must refuse the module (tests/ruby/badext.rb). */
#include <ruby.h>

extern VALUE rb_wasi_demo_no_such_function(void);

void Init_unresolved(void) {
    rb_define_global_const("UNRESOLVED", rb_wasi_demo_no_such_function());
}
