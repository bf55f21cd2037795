// Strict validation of JSON text (RFC 8259) in one pass, without building anything: request
// bodies carry ~1.2 KB of session_data per key, and a tokenizing parser spends most of an
// upload's CPU copying those bytes into strings it then throws away.
#pragma once

#include <string_view>

namespace roomkeys {

// True when `text` is one complete JSON value with optional surrounding whitespace: UTF-8
// strings without raw control characters, valid escapes (no lone surrogate in \u escapes),
// numbers of the JSON grammar that are finite as doubles. Like nlohmann::json::accept, it
// allows a leading UTF-8 byte order mark; unlike it, nothing may follow the value (not even a
// NUL byte).
bool is_valid_json(std::string_view text);

}  // namespace roomkeys
