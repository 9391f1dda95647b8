#pragma once
// Reading Options from a TOML config file. The layout, every key and its
// range are documented in docs/configuration.md; examples/starling.toml is a
// complete example.
//
// Errors are kConfigErrorCode, with a message that names the file, the line
// and the key: "starling.toml:7: limits.max_packet_size: expected an integer
// from 16 to 268435460, got -1". When a file has several problems, the
// message lists all of them, one per line, in file order. Unknown keys and
// sections are errors. Neither function throws.
#include <string>
#include <string_view>

#include "starling/options.hpp"
#include "starling/result.hpp"

namespace starling {

// Parses and validates `toml_text`. `source_name` is used only in messages
// (normally the file's path). Keys that are absent keep their defaults from
// Options; an absent `listeners` array leaves Options::listeners empty, which
// means the default listener.
Result<Options> parse_config(std::string_view toml_text, std::string_view source_name);

// Reads the file at `path` and parses it with parse_config, naming it `path`
// in messages. An unreadable file gives
// "cannot read config file '<path>': <strerror>".
Result<Options> load_config_file(const std::string& path);

}  // namespace starling
