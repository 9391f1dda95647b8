#pragma once
// The stored form of protocol::Properties: every field, present or not, so a
// message read back is forwarded exactly as it was received. Layout
// (key_layout.md): u32 presence bitmap for the optional fields (bit i = the
// i-th field of for_each_optional_property), the present values in that
// order, then the subscription identifiers and user properties as
// count-prefixed lists.
#include "protocol/properties.hpp"
#include "storage/value_reader.hpp"
#include "storage/value_writer.hpp"

namespace starling::storage {

void write_stored_properties(const protocol::Properties& properties, ValueWriter& out);

// Returns false (and fails `in`) on malformed input; `out` is then unspecified.
bool read_stored_properties(ValueReader& in, protocol::Properties& out);

}  // namespace starling::storage
