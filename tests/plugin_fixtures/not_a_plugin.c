/* A shared library with no Starling entry points at all. */
int not_a_plugin_marker(void) { return 42; }
