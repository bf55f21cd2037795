// The routes a module registered, and the matching of raw request paths against them.
// Path parameters are percent-decoded exactly once, after the path is split on '/'.
#pragma once

#include <roomkeys/mxm_module.h>

#include <string>
#include <utility>
#include <vector>

namespace roomkeys::server {

struct RegisteredRoute {
  mxm_method method;
  std::vector<std::string> segments;  // a "{name}" segment captures
  uint32_t flags;
  mxm_handler_fn handler;
  void* handler_data;
};

struct RouteMatch {
  enum class Kind { kFound, kWrongMethod, kNotFound, kBadEncoding };
  Kind kind = Kind::kNotFound;
  const RegisteredRoute* route = nullptr;                   // set for kFound and kBadEncoding
  std::vector<std::pair<std::string, std::string>> params;  // decoded captures
};

class RouteTable {
 public:
  // Copies what it keeps. False for a malformed template (empty, no leading '/').
  bool add(const mxm_route& route);
  // `raw_path` as received, without the query string.
  RouteMatch match(mxm_method method, const std::string& raw_path) const;
  bool empty() const { return routes_.empty(); }

 private:
  std::vector<RegisteredRoute> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace roomkeys::server
