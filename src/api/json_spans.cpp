#include "api/json_spans.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

namespace roomkeys {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_ws(std::string_view s, size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

// Index just past the string literal that starts at s[i] == '"'. Jumps from quote to quote
// with memchr (session_data strings run to kilobytes); a quote closes the string unless an odd
// run of backslashes escapes it.
size_t skip_string(std::string_view s, size_t i) {
  const char* const content = s.data() + i + 1;
  const char* const end = s.data() + s.size();
  for (const char* p = content; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
    if (p == nullptr) break;
    const char* run = p;  // start of the backslashes right before the quote
    while (run > content && run[-1] == '\\') --run;
    if ((p - run) % 2 == 0) return static_cast<size_t>(p - s.data()) + 1;
  }
  return s.size();
}

// Index just past the value that starts at s[i] (no leading whitespace).
size_t skip_value(std::string_view s, size_t i) {
  if (s[i] == '"') return skip_string(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = skip_string(s, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return s.size();
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !is_ws(s[i])) ++i;
  return i;
}

std::string unescape_key(std::string_view literal) {
  const std::string_view inner = literal.substr(1, literal.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return std::string(inner);
  return nlohmann::json::parse(literal).get<std::string>();
}

}  // namespace

JsonKind json_kind(std::string_view value) {
  value = json_trim(value);
  switch (value.empty() ? 'n' : value[0]) {
    case '{':
      return JsonKind::kObject;
    case '[':
      return JsonKind::kArray;
    case '"':
      return JsonKind::kString;
    case 't':
    case 'f':
      return JsonKind::kBool;
    case 'n':
      return JsonKind::kNull;
    default:
      return JsonKind::kNumber;
  }
}

std::string_view json_trim(std::string_view value) {
  size_t begin = skip_ws(value, 0);
  size_t end = value.size();
  while (end > begin && is_ws(value[end - 1])) --end;
  return value.substr(begin, end - begin);
}

void for_each_member(std::string_view object,
                     const std::function<bool(const std::string&, std::string_view)>& visit) {
  object = json_trim(object);
  size_t i = skip_ws(object, 1);  // past '{'
  while (i < object.size() && object[i] == '"') {
    const size_t key_end = skip_string(object, i);
    const std::string key = unescape_key(object.substr(i, key_end - i));
    const size_t value_begin = skip_ws(object, skip_ws(object, key_end) + 1);  // past ':'
    const size_t value_end = skip_value(object, value_begin);
    if (!visit(key, object.substr(value_begin, value_end - value_begin))) return;
    i = skip_ws(object, value_end);
    if (i < object.size() && object[i] == ',') i = skip_ws(object, i + 1);
  }
}

void append_json_string(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  });
  if (plain) {  // the common case: ids need no escaping
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace roomkeys
