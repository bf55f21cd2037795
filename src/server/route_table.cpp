#include "server/route_table.h"

#include <optional>

#include "common/percent_decode.h"

namespace roomkeys::server {
namespace {

bool is_capture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  size_t begin = 1;  // past the leading '/'
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    segments.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  return segments;
}

bool RouteTable::add(const mxm_route& route) {
  if (route.path_template.ptr == nullptr || route.path_template.len == 0 ||
      route.path_template.ptr[0] != '/' || route.handler == nullptr) {
    return false;
  }
  std::string path(route.path_template.ptr, route.path_template.len);
  routes_.push_back(
      {route.method, split_path(path), route.flags, route.handler, route.handler_data});
  return true;
}

RouteMatch RouteTable::match(mxm_method method, const std::string& raw_path) const {
  RouteMatch result;
  if (raw_path.empty() || raw_path[0] != '/') return result;
  // Decode each segment once; the decoded text is compared to literals and captured as is.
  std::vector<std::optional<std::string>> decoded;
  for (const std::string& segment : split_path(raw_path))
    decoded.push_back(percent_decode(segment));

  for (const RegisteredRoute& route : routes_) {
    if (route.segments.size() != decoded.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool matches = true, bad_encoding = false;
    for (size_t i = 0; i < decoded.size() && matches; ++i) {
      const std::string& want = route.segments[i];
      if (is_capture(want)) {
        if (!decoded[i]) {
          bad_encoding = true;
        } else {
          params.emplace_back(want.substr(1, want.size() - 2), *decoded[i]);
        }
      } else {
        matches = decoded[i] && *decoded[i] == want;
      }
    }
    if (!matches) continue;
    if (route.method != method) {
      result.kind = RouteMatch::Kind::kWrongMethod;
      continue;
    }
    result.route = &route;
    if (bad_encoding) {
      result.kind = RouteMatch::Kind::kBadEncoding;
      return result;
    }
    result.kind = RouteMatch::Kind::kFound;
    result.params = std::move(params);
    return result;
  }
  return result;
}

}  // namespace roomkeys::server
