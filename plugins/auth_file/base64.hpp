#pragma once
// Standard base64 (RFC 4648, padded, no line breaks), as mosquitto_passwd
// writes salts and hashes.
#include <optional>
#include <string>
#include <string_view>

namespace starling::plugins::auth_file {

std::string encode_base64(std::string_view bytes);
// nullopt when `text` is not padded base64 without whitespace.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace starling::plugins::auth_file
