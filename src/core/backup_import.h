// Brings one user's backups from another server (Synapse) into this one, inside the caller's
// transaction, so that a user is imported whole or not at all. The rules (docs/BEHAVIOUR.md,
// "Imports"): every version keeps its numeric id, deleted ones too, and new ids continue after
// the highest; a version imported for the first time keeps the other server's etag; a version
// both sides hold is merged key by key by the replacement rule (a tie keeps ours), and its etag
// moves past both sides' etags when anything changed; a version deleted on either side ends
// deleted; the same id with another algorithm or auth_data is a conflict.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "core/key_change.h"
#include "core/records.h"
#include "core/repository.h"

namespace roomkeys {

// Whether two JSON texts hold the same value (the core reads no JSON; the caller can).
using SameJson = std::function<bool(std::string_view, std::string_view)>;

// What importing one version did (or would do).
struct VersionImportReport {
  enum class Kind { kNew, kMerged, kUnchanged, kDeleted };
  Kind kind = Kind::kUnchanged;
  KeyChange change;
  int64_t etag = 0;   // after the import
  int64_t count = 0;  // after the import
};

class UserImport {
 public:
  // Locks the user's row for the rest of the transaction.
  UserImport(Transaction& tx, std::string user_id, SameJson same_json);

  // Starts `theirs` (its keys follow through add_keys). kFailedPrecondition when this server
  // holds the same id with another algorithm or auth_data: the caller rolls the user back.
  Status begin_version(const BackupVersion& theirs);
  // Merges a batch of the started version's keys (distinct (room, session) pairs).
  void add_keys(const std::vector<RoomKey>& keys);
  // Writes the version's etag and count; what the import did to it.
  VersionImportReport finish_version();

 private:
  Transaction& tx_;
  const std::string user_id_;
  SameJson same_json_;
  BackupVersion ours_;  // the version being imported, as it is here
  int64_t their_etag_ = 0;
  bool is_new_ = false;       // created by this import: no stored keys to compare with
  bool takes_keys_ = false;   // deleted versions take none
  bool deleted_now_ = false;  // deleted by this import (the other side deleted it)
  KeyChange change_;
};

}  // namespace roomkeys
