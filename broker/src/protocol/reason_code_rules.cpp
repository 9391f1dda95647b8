#include "protocol/reason_code_rules.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace starling::protocol {
namespace {

constexpr std::array<std::uint8_t, 22> kConnack = {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
                                                   0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
                                                   0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F};
constexpr std::array<std::uint8_t, 9> kPubackPubrec = {0x00, 0x10, 0x80, 0x83, 0x87,
                                                       0x90, 0x91, 0x97, 0x99};
constexpr std::array<std::uint8_t, 2> kPubrelPubcomp = {0x00, 0x92};
constexpr std::array<std::uint8_t, 12> kSuback = {0x00, 0x01, 0x02, 0x80, 0x83, 0x87,
                                                  0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2};
constexpr std::array<std::uint8_t, 7> kUnsuback = {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91};
constexpr std::array<std::uint8_t, 29> kDisconnect = {
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
    0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2};
constexpr std::array<std::uint8_t, 3> kAuth = {0x00, 0x18, 0x19};

bool contains(std::span<const std::uint8_t> codes, std::uint8_t code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

bool is_allowed_reason(PacketType type, std::uint8_t code) {
  switch (type) {
    case PacketType::kConnack:
      return contains(kConnack, code);
    case PacketType::kPuback:
    case PacketType::kPubrec:
      return contains(kPubackPubrec, code);
    case PacketType::kPubrel:
    case PacketType::kPubcomp:
      return contains(kPubrelPubcomp, code);
    case PacketType::kSuback:
      return contains(kSuback, code);
    case PacketType::kUnsuback:
      return contains(kUnsuback, code);
    case PacketType::kDisconnect:
      return contains(kDisconnect, code);
    case PacketType::kAuth:
      return contains(kAuth, code);
    default:
      return false;
  }
}

}  // namespace starling::protocol
