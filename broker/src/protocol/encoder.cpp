#include "protocol/encoder.hpp"

#include "protocol/packet_encoders.hpp"
#include "protocol/property_codec.hpp"
#include "protocol/wire_writer.hpp"

namespace starling::protocol {
namespace {

// DISCONNECT and AUTH share a tail: reason 0 without properties is an empty
// body (v5 3.14.2.1, 3.15.2.1). DISCONNECT may also end after the reason
// (3.14.2.2.1); the AUTH text does not say so, so AUTH keeps its length byte.
enum class BareReason { kAllowed, kNotAllowed };

void encode_reason_and_properties(std::uint8_t first_byte, ReasonCode reason,
                                  const Properties& properties, BareReason bare, std::string& out) {
  const std::size_t body = begin_packet(first_byte, out);
  const bool has_properties = properties_size(properties) > 0;
  if (reason != ReasonCode::kSuccess || has_properties) {
    put_u8(static_cast<std::uint8_t>(reason), out);
    if (has_properties || bare == BareReason::kNotAllowed) write_properties(properties, out);
  }
  end_packet(body, out);
}

struct PacketEncoder {
  Version version;
  std::string& out;

  void operator()(const Connect& p) { encode_connect(p, version, out); }
  void operator()(const Connack& p) { encode_connack(p, version, out); }
  void operator()(const Publish& p) {
    const PublishHeader header{p.qos, p.retain, p.dup, p.packet_id};
    encode_publish(header, p.topic, p.payload, &p.properties, version, out);
  }
  template <PacketType kType>
  void operator()(const PublishResponse<kType>& p) {
    encode_publish_response(kType, p.packet_id, p.reason, p.properties, version, out);
  }
  void operator()(const Subscribe& p) { encode_subscribe(p, version, out); }
  void operator()(const Suback& p) { encode_suback(p, version, out); }
  void operator()(const Unsubscribe& p) { encode_unsubscribe(p, version, out); }
  void operator()(const Unsuback& p) { encode_unsuback(p, version, out); }
  void operator()(const Pingreq&) { out.append("\xC0\x00", 2); }
  void operator()(const Pingresp&) { out.append("\xD0\x00", 2); }
  void operator()(const Disconnect& p) {
    if (is_v5(version)) {
      encode_reason_and_properties(0xE0, p.reason, p.properties, BareReason::kAllowed, out);
    } else {
      out.append("\xE0\x00", 2);
    }
  }
  void operator()(const Auth& p) {
    if (!is_v5(version)) return;  // AUTH does not exist before v5
    encode_reason_and_properties(0xF0, p.reason, p.properties, BareReason::kNotAllowed, out);
  }
};

}  // namespace

void encode(const Packet& packet, Version version, std::string& out) {
  std::visit(PacketEncoder{version, out}, packet);
}

}  // namespace starling::protocol
