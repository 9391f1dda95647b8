#pragma once
// The per-packet encoders behind encode(). Each appends one whole packet,
// fixed header included, to `out`.
#include <string>

#include "protocol/packets.hpp"

namespace starling::protocol {

void encode_connect(const Connect& connect, Version version, std::string& out);
void encode_connack(const Connack& connack, Version version, std::string& out);
void encode_publish_response(PacketType type, std::uint16_t packet_id, ReasonCode reason,
                             const Properties& properties, Version version, std::string& out);
void encode_subscribe(const Subscribe& subscribe, Version version, std::string& out);
void encode_suback(const Suback& suback, Version version, std::string& out);
void encode_unsubscribe(const Unsubscribe& unsubscribe, Version version, std::string& out);
void encode_unsuback(const Unsuback& unsuback, Version version, std::string& out);

}  // namespace starling::protocol
