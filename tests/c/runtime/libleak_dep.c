int leak_dep_data[16] = {40};
int leak_dep_value(void) { return leak_dep_data[0]; }
