// Walks JSON text that has already been validated, handing out members and values as spans of
// the original bytes. That lets the api layer store `session_data` and `auth_data` exactly as the
// client sent them, and read a large upload without building a document tree.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace roomkeys {

enum class JsonKind { kObject, kArray, kString, kNumber, kBool, kNull };

// The kind of a value span (leading whitespace allowed). Precondition: a valid value.
JsonKind json_kind(std::string_view value);

// `value` without surrounding whitespace.
std::string_view json_trim(std::string_view value);

// Calls `visit(key, value)` for each member of a valid object span, in document order, with the
// key unescaped and the value as a trimmed span. Stops early when `visit` returns false.
void for_each_member(std::string_view object,
                     const std::function<bool(const std::string&, std::string_view)>& visit);

// Appends `text` as a JSON string literal (quoted and escaped).
void append_json_string(std::string& out, std::string_view text);

}  // namespace roomkeys
