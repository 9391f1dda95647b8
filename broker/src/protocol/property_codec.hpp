#pragma once
// Reading and writing a v5 property block: a variable byte integer length,
// then (identifier, value) pairs.
#include <cstddef>
#include <string>

#include "protocol/properties.hpp"
#include "protocol/property_table.hpp"
#include "protocol/wire_reader.hpp"
#include "starling/result.hpp"

namespace starling::protocol {

// Reads one property block into `out` (which the caller passes empty).
// Malformed: unknown identifier, property not allowed in `scope`, block
// running past the packet, truncated value, invalid UTF-8. Protocol error:
// duplicate property (except user property, and subscription identifier in
// PUBLISH), value 0 for subscription identifier / receive maximum / maximum
// packet size, a 0-or-1 byte property above 1.
Status read_properties(WireReader& reader, PropertyScope scope, Properties& out);

// Bytes of the properties themselves, without the length prefix.
std::size_t properties_size(const Properties& properties);

// Bytes of a whole property block: length prefix plus properties.
std::size_t property_block_size(const Properties& properties);

// Appends a whole property block, properties in identifier order.
void write_properties(const Properties& properties, std::string& out);

// Appends the properties alone, for a caller that has written the length.
void write_property_list(const Properties& properties, std::string& out);

}  // namespace starling::protocol
