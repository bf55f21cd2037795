// A small HTTP client over libcurl for the end-to-end tests. Paths are sent exactly as given
// (no normalisation), so tests control every byte of the encoding.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace roomkeys::testing {

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool complete = true;  // false when the transfer broke off

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url) : base_url_(std::move(base_url)) {}

  // `token` empty: no Authorization header.
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::string& body = "", const std::string& token = "",
                       const std::map<std::string, std::string>& extra_headers = {}) const;

 private:
  std::string base_url_;
};

}  // namespace roomkeys::testing
