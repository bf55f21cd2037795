// Percent-decoding of one URL component (a path segment or a query key or value), exactly once.
// Shared by hosts; the core only ever sees decoded text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace roomkeys {

// Decodes %XX escapes; '+' stays '+'. nullopt for a malformed escape or a result that is not
// valid UTF-8.
std::optional<std::string> percent_decode(std::string_view component);

}  // namespace roomkeys
