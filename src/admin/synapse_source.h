// Reads the key backups that Synapse keeps (e2e_room_keys_versions, e2e_room_keys) from its
// database: sqlite:PATH (homeserver.db) or postgresql://USER:PASSWORD@HOST:PORT/DB[?sslmode=..].
// Rows come as Synapse wrote them, NULLs included; checking them is the importer's job. Keys
// are read in pages in (room, session) order, so memory stays bounded whatever a user holds.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace roomkeys::admin {

struct SynapseVersion {
  std::optional<int64_t> version;
  std::optional<std::string> algorithm;
  std::optional<std::string> auth_data;
  std::optional<int64_t> etag;  // NULL until the first key change
  std::optional<int64_t> deleted;
};

struct SynapseKey {
  std::string room_id;
  std::string session_id;
  std::optional<int64_t> first_message_index;
  std::optional<int64_t> forwarded_count;
  std::optional<int64_t> is_verified;  // 0/1 on SQLite, a boolean on PostgreSQL
  std::optional<std::string> session_data;
};

class SynapseSource {
 public:
  // kInvalidArgument for a URL of another kind, kUnavailable when the database cannot be read.
  static Result<std::unique_ptr<SynapseSource>> open(const std::string& url);

  // Every user with a backup version, ascending. Throws soci::soci_error.
  std::vector<std::string> users();
  // How many key rows these users hold (for progress and ETA); none named: every user.
  int64_t count_keys(const std::vector<std::string>& users);
  // The user's versions, deleted ones included, by ascending id.
  std::vector<SynapseVersion> versions(const std::string& user_id);
  // The keys of one version, `page_rows` at a time, in (room, session) order. `visit` may move
  // from the rows it is given. The next page is read meanwhile, on another thread.
  void for_each_key_page(const std::string& user_id, int64_t version, size_t page_rows,
                         const std::function<void(std::vector<SynapseKey>&)>& visit);

 private:
  explicit SynapseSource(std::unique_ptr<soci::session> sql) : sql_(std::move(sql)) {}
  std::vector<SynapseKey> key_page(const std::string& user_id, int64_t version, size_t page_rows,
                                   bool from_start, const std::string& after_room,
                                   const std::string& after_session);
  std::unique_ptr<soci::session> sql_;
};

}  // namespace roomkeys::admin
