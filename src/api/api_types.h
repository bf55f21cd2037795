// The API layer's view of a request and of the way to answer it. Any host adapts to these (the
// plugin adapts the C ABI); the api layer never sees HTTP framing, sockets or the ABI.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace roomkeys {

enum class Method { kGet, kPut, kPost, kDelete };

using Param = std::pair<std::string_view, std::string_view>;

// Borrowed views, valid while the handler runs. Parameters are already percent-decoded.
struct ApiRequest {
  std::string_view user_id;  // authenticated by the host
  std::string_view body;
  std::vector<Param> path_params;
  std::vector<Param> query;

  std::optional<std::string_view> path_param(std::string_view name) const {
    return find(path_params, name);
  }
  std::optional<std::string_view> query_param(std::string_view name) const {
    return find(query, name);
  }

 private:
  static std::optional<std::string_view> find(const std::vector<Param>& params,
                                              std::string_view name) {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return std::nullopt;
  }
};

// Answers one request, once: either send() a whole JSON body, or begin() a streamed one, write()
// chunks and end() it. write() returns false once the client is gone. Returning from the handler
// after begin() without end() aborts the response.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void send(int http_status, std::string_view json_body) = 0;
  virtual bool begin(int http_status) = 0;
  virtual bool write(std::string_view chunk) = 0;
  virtual bool end() = 0;
};

}  // namespace roomkeys
