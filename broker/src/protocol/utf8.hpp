#pragma once
// UTF-8 validation for MQTT strings (v3.1.1 1.5.3, v5 1.5.4).
#include <string_view>

namespace starling::protocol {

// True when `text` is well-formed UTF-8 that MQTT accepts: no overlong forms,
// no UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF, and no
// U+0000. Control characters and non-characters are allowed (the spec only
// says a sender SHOULD NOT use them).
bool is_valid_mqtt_utf8(std::string_view text);

}  // namespace starling::protocol
