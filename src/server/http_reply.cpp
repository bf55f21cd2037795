#include "server/http_reply.h"

#include <memory>
#include <nlohmann/json.hpp>

namespace roomkeys::server {
namespace {

// Pistache writes only typed headers; Retry-After is not among its own.
class RetryAfter final : public Pistache::Http::Header::Header {
 public:
  NAME("Retry-After")
  RetryAfter() = default;
  explicit RetryAfter(int64_t seconds) : seconds_(seconds) {}
  void parse(const std::string& data) override { seconds_ = std::stoll(data); }
  void write(std::ostream& os) const override { os << seconds_; }

 private:
  int64_t seconds_ = 0;
};

}  // namespace

std::optional<std::string> authorization_header(const Pistache::Http::Request& request) {
  using Pistache::Http::Header::Authorization;
  if (auto typed = request.headers().tryGet<Authorization>()) return typed->value();
  if (auto raw = request.headers().tryGetRaw("Authorization")) return raw->value();
  return std::nullopt;
}

void add_common_headers(Pistache::Http::ResponseWriter& writer, std::string_view content_type) {
  namespace Header = Pistache::Http::Header;
  auto& headers = writer.headers();
  headers.add<Header::AccessControlAllowOrigin>("*");
  headers.add<Header::AccessControlAllowMethods>("GET, POST, PUT, DELETE, OPTIONS");
  headers.add<Header::AccessControlAllowHeaders>("X-Requested-With, Content-Type, Authorization");
  writer.setMime(Pistache::Http::Mime::MediaType::fromString(std::string(content_type)));
}

void send_error(Pistache::Http::ResponseWriter& writer, Pistache::Http::Code code,
                const char* errcode, const char* message, const std::string& extra) {
  add_common_headers(writer, "application/json");
  writer.send(code, std::string("{\"errcode\":\"") + errcode + "\",\"error\":\"" + message + '"' +
                        extra + '}');
}

void send_json(Pistache::Http::ResponseWriter& writer, Pistache::Http::Code code,
               const std::string& body) {
  add_common_headers(writer, "application/json");
  writer.send(code, body);
}

void send_auth_failure(Pistache::Http::ResponseWriter& writer, const AuthResult& failure) {
  nlohmann::json body = {{"errcode", failure.errcode}, {"error", failure.error}};
  if (failure.soft_logout) body["soft_logout"] = *failure.soft_logout;
  if (failure.status == 429) {
    body["retry_after_ms"] = failure.retry_after_ms;
    writer.headers().add(std::make_shared<RetryAfter>((failure.retry_after_ms + 999) / 1000));
  }
  // Texts from the homeserver were checked to be UTF-8; replace keeps dump() from throwing.
  send_json(writer, static_cast<Pistache::Http::Code>(failure.status),
            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void send_rate_limited(Pistache::Http::ResponseWriter& writer, int64_t wait_ms) {
  AuthResult limited = AuthResult::failure(429, "M_LIMIT_EXCEEDED", "Too many requests");
  limited.retry_after_ms = wait_ms;
  send_auth_failure(writer, limited);
}

}  // namespace roomkeys::server
