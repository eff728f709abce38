/* libneeds_gone.so: NEEDED libgood.so (present) and libgone.so (deleted before the run). */
int good_value(void);
int gone_value(void);
int needs_both(void) { return good_value() + gone_value(); }
