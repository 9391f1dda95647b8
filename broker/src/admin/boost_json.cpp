// Boost.JSON is header-only here: its implementation is compiled once, in
// this file (the admin API uses it; see boost/json/src.hpp).
#include <boost/json/src.hpp>
