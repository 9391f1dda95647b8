#include "decoder_round_trip.hpp"

#include <array>
#include <string>
#include <variant>

#include "protocol/decoder.hpp"
#include "protocol/encoder.hpp"

namespace starling::fuzz {
namespace {

using protocol::FrameStatus;
using protocol::Version;

// Large enough for any frame a fuzzer input holds; split_frame's own size
// check is exercised with the broker's limit by fuzz_session.
constexpr std::size_t kMaxFrame = std::size_t{1} << 28;
constexpr std::array kVersions = {Version::kV31, Version::kV311, Version::kV5};

const char* version_name(Version version) {
  switch (version) {
    case Version::kV31:
      return "3.1";
    case Version::kV311:
      return "3.1.1";
    case Version::kV5:
      return "5";
  }
  return "?";
}

std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Splits an encoding that must be exactly one whole frame.
std::string split_one(const std::string& encoded, protocol::Frame* frame) {
  protocol::FrameResult split = protocol::split_frame(as_bytes(encoded), kMaxFrame);
  if (split.status != FrameStatus::kComplete) return "the encoding is not a whole frame";
  if (split.frame.size() != encoded.size())
    return "the encoding's frame size differs from its length";
  *frame = split.frame;
  return {};
}

std::string check_connect(const protocol::Frame& frame, std::span<const std::uint8_t> body) {
  Result<protocol::Connect> first = protocol::decode_connect(frame, body);
  if (!first) return {};
  std::string encoded;
  protocol::encode(first.value(), first->version, encoded);
  protocol::Frame again;
  if (std::string why = split_one(encoded, &again); !why.empty()) return "CONNECT: " + why;
  Result<protocol::Connect> second =
      protocol::decode_connect(again, as_bytes(encoded).subspan(again.header_size));
  if (!second) return "re-encoded CONNECT does not decode: " + second.error().message;
  if (!(second.value() == first.value())) return "re-encoded CONNECT decodes differently";
  return {};
}

std::string check_packet(const protocol::Frame& frame, std::span<const std::uint8_t> body,
                         Version version) {
  Result<protocol::Packet> first = protocol::decode(frame, body, version);
  if (!first) return {};
  const std::string where = std::string("packet type ") + std::to_string(frame.first_byte >> 4) +
                            " for MQTT " + version_name(version) + ": ";
  // decode() accepts a CONNECT of any version; it re-encodes as its own.
  Version encode_as = version;
  if (const auto* connect = std::get_if<protocol::Connect>(&first.value())) {
    encode_as = connect->version;
  }
  std::string encoded;
  protocol::encode(first.value(), encode_as, encoded);
  protocol::Frame again;
  if (std::string why = split_one(encoded, &again); !why.empty()) return where + why;
  Result<protocol::Packet> second =
      protocol::decode(again, as_bytes(encoded).subspan(again.header_size), version);
  if (!second) return where + "re-encoding does not decode: " + second.error().message;
  if (!(second.value() == first.value())) return where + "re-encoding decodes differently";
  return {};
}

}  // namespace

std::string check_decoder_round_trip(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    protocol::FrameResult split = protocol::split_frame(bytes, kMaxFrame);
    if (split.status != FrameStatus::kComplete) return {};
    const protocol::Frame& frame = split.frame;
    auto body = bytes.subspan(frame.header_size, frame.remaining_length);
    if (std::string why = check_connect(frame, body); !why.empty()) return why;
    for (Version version : kVersions) {
      if (std::string why = check_packet(frame, body, version); !why.empty()) return why;
    }
    bytes = bytes.subspan(frame.size());
  }
  return {};
}

}  // namespace starling::fuzz
