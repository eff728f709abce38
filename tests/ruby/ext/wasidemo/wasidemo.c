/* WasiDemo::Counter: a C extension built by bin/rbwasi-build-ext and loaded by the wasm Ruby's
 * `require` through our dlopen. Its methods raise from C, yield to a Ruby block, and allocate
 * enough for the GC to run while their frames are on the stack. tests/ruby/ext.rb drives it. */
#include <ruby.h>

typedef struct {
    long count;
} counter_t;

static const rb_data_type_t counter_type = {
    "WasiDemo::Counter",
    {NULL, RUBY_TYPED_DEFAULT_FREE, NULL},
    NULL, NULL, RUBY_TYPED_FREE_IMMEDIATELY,
};

static VALUE counter_alloc(VALUE klass) {
    counter_t *c;
    return TypedData_Make_Struct(klass, counter_t, &counter_type, c);
}

static counter_t *get(VALUE self) {
    return rb_check_typeddata(self, &counter_type);
}

/* Counter.new(start = 0) */
static VALUE counter_init(int argc, VALUE *argv, VALUE self) {
    VALUE start;
    rb_scan_args(argc, argv, "01", &start);
    get(self)->count = NIL_P(start) ? 0 : NUM2LONG(start);
    return self;
}

/* add(n): raises ArgumentError (from C) for a negative n. */
static VALUE counter_add(VALUE self, VALUE n) {
    long v = NUM2LONG(n);
    if (v < 0) rb_raise(rb_eArgError, "negative step %ld", v);
    get(self)->count += v;
    return LONG2NUM(get(self)->count);
}

static VALUE counter_count(VALUE self) {
    return LONG2NUM(get(self)->count);
}

/* each_step(times) { |i| ... }: yields 0...times, adding each block value (nil counts 0) to
 * the count; without a block, an Enumerator. */
static VALUE counter_each_step(VALUE self, VALUE times) {
    long n = NUM2LONG(times);
    RETURN_ENUMERATOR(self, 1, &times);
    for (long i = 0; i < n; i++) {
        VALUE v = rb_yield(LONG2NUM(i));
        if (!NIL_P(v)) get(self)->count += NUM2LONG(v);
    }
    return self;
}

/* churn(n): allocates n strings (keeping every 100th), so the GC runs during the call, and
 * returns [number of GC runs during it, the kept strings' total length]. */
static VALUE counter_churn(VALUE self, VALUE n) {
    size_t before = rb_gc_count();
    VALUE kept = rb_ary_new();
    long total = 0;
    for (long i = 0; i < NUM2LONG(n); i++) {
        VALUE s = rb_sprintf("string %ld of the churn", i);
        if (i % 100 == 0) rb_ary_push(kept, s);
    }
    for (long i = 0; i < RARRAY_LEN(kept); i++) total += RSTRING_LEN(RARRAY_AREF(kept, i));
    return rb_ary_new_from_args(2, SIZET2NUM(rb_gc_count() - before), LONG2NUM(total));
}

void Init_wasidemo(void) {
    VALUE mod = rb_define_module("WasiDemo");
    VALUE cls = rb_define_class_under(mod, "Counter", rb_cObject);
    rb_define_alloc_func(cls, counter_alloc);
    rb_define_method(cls, "initialize", counter_init, -1);
    rb_define_method(cls, "add", counter_add, 1);
    rb_define_method(cls, "count", counter_count, 0);
    rb_define_method(cls, "each_step", counter_each_step, 1);
    rb_define_method(cls, "churn", counter_churn, 1);
}
