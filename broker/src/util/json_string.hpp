#pragma once
// Appends `text` to `out` as a JSON string literal, quotes included. Control
// characters become \uXXXX; other bytes pass through (text is meant to be
// UTF-8 already).
#include <string>
#include <string_view>

namespace starling {

void append_json_string(std::string& out, std::string_view text);

}  // namespace starling
