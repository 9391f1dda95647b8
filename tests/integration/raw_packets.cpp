#include "raw_packets.hpp"

#include <stdexcept>

namespace starling::test::raw {
namespace {

void put_u16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_varint(Bytes& out, std::uint32_t v) {
  do {
    std::uint8_t byte = v % 128;
    v /= 128;
    if (v > 0) byte |= 0x80;
    out.push_back(byte);
  } while (v > 0);
}

void put_string(Bytes& out, std::string_view s) {
  put_u16(out, static_cast<std::uint16_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

void put_properties(Bytes& out, const Bytes& properties) {
  put_varint(out, static_cast<std::uint32_t>(properties.size()));
  out.insert(out.end(), properties.begin(), properties.end());
}

std::optional<std::uint32_t> read_varint(const Bytes& data, std::size_t& pos) {
  std::uint32_t value = 0;
  for (int i = 0, shift = 0; i < 4; ++i, shift += 7) {
    if (pos >= data.size()) return std::nullopt;
    std::uint8_t byte = data[pos++];
    value |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> read_u16(const Bytes& data, std::size_t& pos) {
  if (pos + 2 > data.size()) return std::nullopt;
  std::uint16_t v = static_cast<std::uint16_t>(data[pos] << 8 | data[pos + 1]);
  pos += 2;
  return v;
}

std::optional<std::string> read_string(const Bytes& data, std::size_t& pos) {
  auto length = read_u16(data, pos);
  if (!length || pos + *length > data.size()) return std::nullopt;
  std::string s(data.begin() + static_cast<std::ptrdiff_t>(pos),
                data.begin() + static_cast<std::ptrdiff_t>(pos + *length));
  pos += *length;
  return s;
}

enum class Kind { kByte, kTwoBytes, kFourBytes, kVarint, kString, kBinary, kStringPair };

std::optional<Kind> kind_of(std::uint8_t id) {
  switch (id) {
    case 0x01:
    case 0x17:
    case 0x19:
    case 0x24:
    case 0x25:
    case 0x28:
    case 0x29:
    case 0x2A:
      return Kind::kByte;
    case 0x13:
    case 0x21:
    case 0x22:
    case 0x23:
      return Kind::kTwoBytes;
    case 0x02:
    case 0x11:
    case 0x18:
    case 0x27:
      return Kind::kFourBytes;
    case 0x0B:
      return Kind::kVarint;
    case 0x03:
    case 0x08:
    case 0x12:
    case 0x15:
    case 0x1A:
    case 0x1C:
    case 0x1F:
      return Kind::kString;
    case 0x09:
    case 0x16:
      return Kind::kBinary;
    case 0x26:
      return Kind::kStringPair;
    default:
      return std::nullopt;
  }
}

}  // namespace

Bytes property_u8(std::uint8_t id, std::uint8_t value) {
  return {id, value};
}

Bytes property_u16(std::uint8_t id, std::uint16_t value) {
  Bytes out{id};
  put_u16(out, value);
  return out;
}

Bytes property_u32(std::uint8_t id, std::uint32_t value) {
  Bytes out{id};
  put_u32(out, value);
  return out;
}

Bytes property_varint(std::uint8_t id, std::uint32_t value) {
  Bytes out{id};
  put_varint(out, value);
  return out;
}

Bytes property_string(std::uint8_t id, std::string_view value) {
  Bytes out{id};
  put_string(out, value);
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes frame(std::uint8_t first_byte, const Bytes& body) {
  Bytes out{first_byte};
  put_varint(out, static_cast<std::uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes connect(const Connect& c) {
  const bool v5 = c.version == Version::kV5;
  Bytes body;
  put_string(body, "MQTT");
  body.push_back(static_cast<std::uint8_t>(c.version));
  std::uint8_t flags = 0;
  if (c.clean) flags |= 0x02;
  if (c.will) {
    flags |= 0x04;
    flags |= static_cast<std::uint8_t>((c.will->qos & 0x03) << 3);
    if (c.will->retain) flags |= 0x20;
  }
  if (c.username) flags |= 0x80;
  if (c.password) flags |= 0x40;
  body.push_back(flags);
  put_u16(body, c.keep_alive);
  if (v5) put_properties(body, c.properties);
  put_string(body, c.client_id);
  if (c.will) {
    if (v5) put_properties(body, c.will->properties);
    put_string(body, c.will->topic);
    put_string(body, c.will->payload);
  }
  if (c.username) put_string(body, *c.username);
  if (c.password) put_string(body, *c.password);
  return frame(kConnect << 4, body);
}

Bytes publish(Version version, const Publish& p) {
  std::uint8_t first = kPublish << 4;
  if (p.dup) first |= 0x08;
  first |= static_cast<std::uint8_t>((p.qos & 0x03) << 1);
  if (p.retain) first |= 0x01;
  Bytes body;
  put_string(body, p.topic);
  if (p.qos > 0) put_u16(body, p.packet_id);
  if (version == Version::kV5) put_properties(body, p.properties);
  body.insert(body.end(), p.payload.begin(), p.payload.end());
  return frame(first, body);
}

Bytes subscribe(Version version, std::uint16_t packet_id, std::string_view filter,
                std::uint8_t options, const Bytes& properties) {
  Bytes body;
  put_u16(body, packet_id);
  if (version == Version::kV5) put_properties(body, properties);
  put_string(body, filter);
  body.push_back(options);
  return frame(kSubscribe << 4 | 0x02, body);
}

Bytes unsubscribe(Version version, std::uint16_t packet_id, std::string_view filter) {
  Bytes body;
  put_u16(body, packet_id);
  if (version == Version::kV5) put_properties(body, {});
  put_string(body, filter);
  return frame(kUnsubscribe << 4 | 0x02, body);
}

Bytes puback(Version, std::uint16_t packet_id) {
  Bytes body;
  put_u16(body, packet_id);
  return frame(kPuback << 4, body);
}

Bytes pubrel(Version, std::uint16_t packet_id) {
  Bytes body;
  put_u16(body, packet_id);
  return frame(kPubrel << 4 | 0x02, body);
}

Bytes pingreq() {
  return {kPingreq << 4, 0};
}

Bytes disconnect(Version version, std::uint8_t reason_code) {
  if (version == Version::kV311 || reason_code == 0) return {kDisconnect << 4, 0};
  return frame(kDisconnect << 4, Bytes{reason_code, 0});
}

std::optional<Properties> Properties::parse(const Bytes& data, std::size_t& pos) {
  auto length = read_varint(data, pos);
  if (!length || pos + *length > data.size()) return std::nullopt;
  const std::size_t end = pos + *length;
  Properties result;
  while (pos < end) {
    const std::uint8_t id = data[pos++];
    auto kind = kind_of(id);
    if (!kind) return std::nullopt;
    const std::size_t start = pos;
    switch (*kind) {
      case Kind::kByte:
        pos += 1;
        break;
      case Kind::kTwoBytes:
        pos += 2;
        break;
      case Kind::kFourBytes:
        pos += 4;
        break;
      case Kind::kVarint:
        if (!read_varint(data, pos)) return std::nullopt;
        break;
      case Kind::kString:
      case Kind::kBinary:
        if (!read_string(data, pos)) return std::nullopt;
        break;
      case Kind::kStringPair:
        if (!read_string(data, pos) || !read_string(data, pos)) return std::nullopt;
        break;
    }
    if (pos > end) return std::nullopt;
    result.entries_.emplace_back(id, Bytes(data.begin() + static_cast<std::ptrdiff_t>(start),
                                           data.begin() + static_cast<std::ptrdiff_t>(pos)));
  }
  return result;
}

const Bytes* Properties::find(std::uint8_t id, std::size_t index) const {
  for (const auto& [entry_id, value] : entries_) {
    if (entry_id != id) continue;
    if (index == 0) return &value;
    --index;
  }
  return nullptr;
}

bool Properties::has(std::uint8_t id) const {
  return find(id, 0) != nullptr;
}

std::size_t Properties::count(std::uint8_t id) const {
  std::size_t n = 0;
  for (const auto& entry : entries_) n += entry.first == id ? 1 : 0;
  return n;
}

std::optional<std::uint32_t> Properties::integer(std::uint8_t id, std::size_t index) const {
  const Bytes* value = find(id, index);
  if (!value) return std::nullopt;
  if (kind_of(id) == Kind::kVarint) {
    std::size_t pos = 0;
    return read_varint(*value, pos);
  }
  std::uint32_t result = 0;
  for (std::uint8_t byte : *value) result = result << 8 | byte;
  return result;
}

std::optional<std::string> Properties::string(std::uint8_t id, std::size_t index) const {
  const Bytes* value = find(id, index);
  if (!value) return std::nullopt;
  std::size_t pos = 0;
  return read_string(*value, pos);
}

std::optional<Packet> take_packet(Bytes& buffer) {
  if (buffer.size() < 2) return std::nullopt;
  std::uint32_t length = 0;
  std::size_t pos = 1;
  for (int shift = 0;; shift += 7) {
    if (pos >= buffer.size()) return std::nullopt;
    if (shift > 21) throw std::runtime_error("broker sent a malformed Remaining Length");
    const std::uint8_t byte = buffer[pos++];
    length |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (buffer.size() < pos + length) return std::nullopt;
  Packet packet;
  packet.first_byte = buffer[0];
  const auto body_begin = buffer.begin() + static_cast<std::ptrdiff_t>(pos);
  const auto body_end = body_begin + static_cast<std::ptrdiff_t>(length);
  packet.body.assign(body_begin, body_end);
  buffer.erase(buffer.begin(), body_end);
  return packet;
}

std::optional<Connack> parse_connack(Version version, const Packet& packet) {
  if (packet.type() != kConnack || packet.body.size() < 2) return std::nullopt;
  Connack result;
  result.session_present = (packet.body[0] & 0x01) != 0;
  result.reason_code = packet.body[1];
  if (version == Version::kV5 && packet.body.size() > 2) {
    std::size_t pos = 2;
    auto properties = Properties::parse(packet.body, pos);
    if (!properties) return std::nullopt;
    result.properties = std::move(*properties);
  }
  return result;
}

std::optional<ReceivedPublish> parse_publish(Version version, const Packet& packet) {
  if (packet.type() != kPublish) return std::nullopt;
  ReceivedPublish result;
  result.qos = (packet.flags() >> 1) & 0x03;
  result.retain = (packet.flags() & 0x01) != 0;
  result.dup = (packet.flags() & 0x08) != 0;
  std::size_t pos = 0;
  auto topic = read_string(packet.body, pos);
  if (!topic) return std::nullopt;
  result.topic = std::move(*topic);
  if (result.qos > 0) {
    auto id = read_u16(packet.body, pos);
    if (!id) return std::nullopt;
    result.packet_id = *id;
  }
  if (version == Version::kV5) {
    auto properties = Properties::parse(packet.body, pos);
    if (!properties) return std::nullopt;
    result.properties = std::move(*properties);
  }
  result.payload.assign(packet.body.begin() + static_cast<std::ptrdiff_t>(pos), packet.body.end());
  return result;
}

std::optional<std::uint8_t> disconnect_reason(const Packet& packet) {
  if (packet.type() != kDisconnect) return std::nullopt;
  return packet.body.empty() ? 0 : packet.body[0];
}

}  // namespace starling::test::raw
