#pragma once
// Turns packets into bytes, appended to an output buffer (so many packets can
// share one write). No I/O, no validation beyond what the types allow.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/packets.hpp"

namespace starling::protocol {

// Appends the encoding of `packet` for `version` to `out`. Encodings are the
// shortest the spec allows. AUTH for v3.1/v3.1.1 appends nothing (v3 has no
// AUTH packet).
void encode(const Packet& packet, Version version, std::string& out);

// The fast path for outgoing messages: encodes a PUBLISH from borrowed parts
// without building a Publish value (topic and payload are copied once, into
// `out`). `properties` may be null (no properties).
struct PublishHeader {
  std::uint8_t qos = 0;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;
};
void encode_publish(const PublishHeader& header, std::string_view topic, std::string_view payload,
                    const Properties* properties, Version version, std::string& out);

// Size in bytes that encode_publish would append; used to honour a client's
// Maximum Packet Size before anything is written.
std::size_t encoded_publish_size(const PublishHeader& header, std::string_view topic,
                                 std::string_view payload, const Properties* properties,
                                 Version version);

// As above without the header: counts a packet identifier, so the size is
// exact for QoS 1 and 2 and 2 bytes more than needed for QoS 0.
std::size_t encoded_publish_size(std::string_view topic, std::string_view payload,
                                 const Properties* properties, Version version);

// v3.1/v3.1.1 CONNACK return code for a v5 reason code (0 accepted,
// 1 unacceptable protocol version, 2 identifier rejected, 3 server
// unavailable, 4 bad user name or password, 5 not authorized).
std::uint8_t connack_return_code_v3(ReasonCode reason);

}  // namespace starling::protocol
