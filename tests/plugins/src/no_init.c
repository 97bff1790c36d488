/* A shared library that is not a plugin: it has no mx_plugin_init. */
int not_a_plugin_function(int x) { return x + 1; }
