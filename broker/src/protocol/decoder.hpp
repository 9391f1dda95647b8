#pragma once
// Turns bytes into packets. No I/O: the caller feeds what it has read.
//
// Framing (split_frame) finds one whole packet at the front of a buffer;
// decode() parses and validates it for the connection's protocol version.
// Every error carries the v5 reason code the broker must answer with
// (0x81 malformed packet, 0x82 protocol error, 0x95 packet too large, ...)
// and a message naming what was wrong.
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/packets.hpp"
#include "starling/result.hpp"

namespace starling::protocol {

struct Frame {
  std::uint8_t first_byte = 0;       // packet type (high nibble) and flags
  std::size_t header_size = 0;       // fixed header: 1 byte + 1..4 length bytes
  std::size_t remaining_length = 0;  // body size
  std::size_t size() const { return header_size + remaining_length; }
  PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
};

enum class FrameStatus { kComplete, kIncomplete, kMalformed, kTooLarge };

struct FrameResult {
  FrameStatus status = FrameStatus::kIncomplete;
  Frame frame;  // valid when status == kComplete
};

// Looks for one whole packet at the front of `bytes`. kTooLarge when the
// declared total size exceeds `max_packet_size` (known as soon as the length
// bytes are read, before the body arrives); kMalformed for a variable byte
// integer longer than 4 bytes.
FrameResult split_frame(std::span<const std::uint8_t> bytes, std::size_t max_packet_size);

// Decodes the first packet of a connection, which must be CONNECT; detects the
// protocol version from it. Error code kUnsupportedProtocolVersion for an
// unknown protocol name or level (the caller answers CONNACK 0x84 / v3 0x01).
Result<Connect> decode_connect(const Frame& frame, std::span<const std::uint8_t> body);

// Decodes any packet a peer may send after CONNECT (or, for tests and the
// conformance client, any packet a broker sends). `body` is the
// remaining_length bytes after the fixed header.
Result<Packet> decode(const Frame& frame, std::span<const std::uint8_t> body, Version version);

}  // namespace starling::protocol
