#include "api/handlers.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/json_spans.h"
#include "api/key_json.h"
#include "api/key_upload_parser.h"
#include "api/matrix_error.h"
#include "api/version_body.h"
#include "common/json_validate.h"
#include "core/ids.h"
#include "core/version_id.h"

namespace roomkeys {
namespace {

// The ids a keys route names in its path, validated.
struct KeyPath {
  std::optional<std::string> room_id;
  std::optional<std::string> session_id;

  KeyScope scope() const {
    return KeyScope{room_id ? &*room_id : nullptr, session_id ? &*session_id : nullptr};
  }
};

Result<KeyPath> read_key_path(const ApiRequest& request) {
  KeyPath path;
  if (auto room = request.path_param("roomId")) {
    Status status = check_room_id(*room);
    if (!status.is_ok()) return status;
    path.room_id.emplace(*room);
  }
  if (auto session = request.path_param("sessionId")) {
    Status status = check_session_id(*session);
    if (!status.is_ok()) return status;
    path.session_id.emplace(*session);
  }
  return path;
}

ApiResult<std::string_view> required_version(const ApiRequest& request) {
  auto version = request.query_param("version");
  if (!version) return MatrixError::missing_param("The version query parameter is required.");
  return *version;
}

std::string user_of(const ApiRequest& request) { return std::string(request.user_id); }

}  // namespace

void handle_create_version(KeyBackupService& service, const ApiRequest& request, Responder& out) {
  auto body = parse_version_body(request.body);
  if (!body.is_ok()) return send_error(out, body.status());
  auto id =
      service.create_version(user_of(request), body.value().algorithm, body.value().auth_data);
  if (!id.is_ok()) return send_error(out, id.status());
  out.send(200, "{\"version\":\"" + format_version_id(id.value()) + "\"}");
}

void handle_get_version(KeyBackupService& service, const ApiRequest& request, Responder& out) {
  auto version = service.get_version(user_of(request), request.path_param("version"));
  if (!version.is_ok()) return send_error(out, version.status());
  out.send(200, version_info_json(version.value()));
}

void handle_update_version(KeyBackupService& service, const ApiRequest& request, Responder& out) {
  auto body = parse_version_body(request.body);
  if (!body.is_ok()) return send_error(out, body.status());
  const VersionBody& b = body.value();
  std::optional<std::string_view> body_version;
  if (b.version) body_version = *b.version;
  Status status = service.update_version(user_of(request), *request.path_param("version"),
                                         b.algorithm, b.auth_data, body_version);
  if (!status.is_ok()) return send_error(out, status);
  out.send(200, "{}");
}

void handle_delete_version(KeyBackupService& service, const ApiRequest& request, Responder& out) {
  Status status = service.delete_version(user_of(request), *request.path_param("version"));
  if (!status.is_ok()) return send_error(out, status);
  out.send(200, "{}");
}

void handle_put_keys(KeyBackupService& service, const ApiRequest& request, Responder& out) {
  auto version = required_version(request);
  if (!version.is_ok()) return send_error(out, version.status());
  auto path = read_key_path(request);
  if (!path.is_ok()) return send_error(out, path.status());
  const KeyPath& p = path.value();
  auto keys = p.session_id ? parse_session_upload(request.body, *p.room_id, *p.session_id)
              : p.room_id  ? parse_room_upload(request.body, *p.room_id)
                           : parse_all_rooms_upload(request.body);
  if (!keys.is_ok()) return send_error(out, keys.status());
  auto outcome = service.upload_keys(user_of(request), version.value(), keys.value());
  if (!outcome.is_ok()) return send_error(out, outcome.status());
  out.send(200, keys_outcome_json(outcome.value().etag, outcome.value().count));
}

void handle_get_keys(KeyBackupService& service, const ApiRequest& request, Responder& out) {
  auto path = read_key_path(request);
  if (!path.is_ok()) return send_error(out, path.status());
  const KeyPath& p = path.value();
  const std::string user_id = user_of(request);
  const auto version = request.query_param("version");
  if (p.session_id) {
    auto key = service.get_key(user_id, version, *p.room_id, *p.session_id);
    if (!key.is_ok()) return send_error(out, key.status());
    std::string body;
    append_key_data(body, key.value());
    return out.send(200, body);
  }
  KeyStreamWriter writer(
      out, p.room_id ? KeyStreamWriter::Shape::kOneRoom : KeyStreamWriter::Shape::kAllRooms);
  bool client_gone = false;
  Status status = service.read_keys(user_id, version, p.scope(), [&](const RoomKey& key) {
    client_gone = !writer.add(key);
    return !client_gone;
  });
  if (client_gone) return;
  if (!status.is_ok()) {
    // Before the first key the answer can still be an error; after it, returning without
    // ending the stream aborts the response, so the client never sees a partial backup as whole.
    if (!writer.started()) send_error(out, status);
    return;
  }
  writer.finish();
}

void handle_delete_keys(KeyBackupService& service, const ApiRequest& request, Responder& out) {
  auto version = required_version(request);
  if (!version.is_ok()) return send_error(out, version.status());
  auto path = read_key_path(request);
  if (!path.is_ok()) return send_error(out, path.status());
  auto outcome = service.delete_keys(user_of(request), version.value(), path.value().scope());
  if (!outcome.is_ok()) return send_error(out, outcome.status());
  out.send(200, keys_outcome_json(outcome.value().etag, outcome.value().count));
}

}  // namespace roomkeys
