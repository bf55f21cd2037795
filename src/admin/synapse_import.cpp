#include "admin/synapse_import.h"

#include <nlohmann/json.hpp>

#include "admin/progress.h"
#include "common/json_validate.h"
#include "core/backup_import.h"
#include "core/ids.h"

namespace roomkeys::admin {
namespace {

bool same_json(std::string_view a, std::string_view b) {
  const auto x = nlohmann::json::parse(a, nullptr, false);
  const auto y = nlohmann::json::parse(b, nullptr, false);
  return !x.is_discarded() && !y.is_discarded() && x == y;
}

// The first character of a valid JSON text tells its kind ('{' object, 'n' null, ...).
char json_kind_of(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first == std::string::npos ? '\0' : text[first];
}

bool is_json_object(const std::string& text) {
  return json_kind_of(text) == '{' && is_valid_json(text);
}

// Why a key row cannot be imported, or "" when it can.
std::string key_problem(const SynapseKey& row) {
  if (!check_room_id(row.room_id).is_ok()) return "invalid room id";
  if (!check_session_id(row.session_id).is_ok()) return "invalid session id";
  if (!row.first_message_index || *row.first_message_index < 0) {
    return "first_message_index is NULL or negative";
  }
  if (!row.forwarded_count || *row.forwarded_count < 0) {
    return "forwarded_count is NULL or negative";
  }
  if (!row.session_data || !is_json_object(*row.session_data)) {
    return "session_data is not a JSON object";
  }
  return "";
}

// Why a version row cannot be imported, or "".
std::string version_problem(const SynapseVersion& row) {
  if (!row.version || *row.version <= 0) return "version id is NULL or not positive";
  if (!row.algorithm || row.algorithm->empty()) return "algorithm is NULL or empty";
  if (!row.auth_data || !is_valid_json(*row.auth_data) || json_kind_of(*row.auth_data) == 'n') {
    return "auth_data is not JSON (or is null)";
  }
  if (row.etag && *row.etag < 0) return "etag is negative";
  return "";
}

const char* kind_name(VersionImportReport::Kind kind) {
  switch (kind) {
    case VersionImportReport::Kind::kNew:
      return "new";
    case VersionImportReport::Kind::kMerged:
      return "merged";
    case VersionImportReport::Kind::kUnchanged:
      return "unchanged";
    case VersionImportReport::Kind::kDeleted:
      return "deleted";
  }
  return "?";
}

struct Totals {
  int64_t users_done = 0, users_failed = 0, versions = 0, keys_read = 0, keys_written = 0,
          skipped_rows = 0;
};

// One user, in one transaction. Lines of the report are collected and printed only once the
// transaction is over, since a transient conflict runs the work again.
Status import_user(Repository& repository, SynapseSource& source, const std::string& user_id,
                   const ImportOptions& options, Totals& totals, Progress& progress, FILE* report) {
  std::vector<std::string> lines;
  Totals mine;
  bool dry_run_done = false;
  Status status = repository.run(Repository::Mode::kWrite, [&](Transaction& tx) {
    lines.clear();
    mine = Totals{};
    UserImport import(tx, user_id, same_json);
    for (const SynapseVersion& row : source.versions(user_id)) {
      const std::string problem = version_problem(row);
      if (!problem.empty()) {
        lines.push_back("skipped version " + (row.version ? std::to_string(*row.version) : "NULL") +
                        " of " + user_id + ": " + problem);
        ++mine.skipped_rows;
        continue;
      }
      BackupVersion theirs;
      theirs.version = *row.version;
      theirs.algorithm = *row.algorithm;
      theirs.auth_data = *row.auth_data;
      theirs.etag = row.etag.value_or(0);
      theirs.deleted = row.deleted.value_or(0) != 0;
      if (Status s = import.begin_version(theirs); !s.is_ok()) return s;
      std::vector<RoomKey> batch;
      source.for_each_key_page(
          user_id, theirs.version, options.page_rows, [&](std::vector<SynapseKey>& page) {
            batch.clear();
            for (SynapseKey& row : page) {
              ++mine.keys_read;
              if (std::string why = key_problem(row); !why.empty()) {
                lines.push_back("skipped key of " + user_id + ", version " +
                                std::to_string(theirs.version) + ", room " + row.room_id +
                                ", session " + row.session_id + ": " + why);
                ++mine.skipped_rows;
                continue;
              }
              RoomKey& key = batch.emplace_back();
              key.room_id = std::move(row.room_id);
              key.session_id = std::move(row.session_id);
              key.rank = KeyRank{*row.first_message_index, *row.forwarded_count,
                                 row.is_verified.value_or(0) != 0};
              key.session_data = std::move(*row.session_data);
            }
            import.add_keys(batch);
            progress.update(totals.users_done, totals.keys_read + mine.keys_read);
          });
      const VersionImportReport done = import.finish_version();
      ++mine.versions;
      mine.keys_written += done.change.added + done.change.replaced;
      lines.push_back(user_id + " version " + std::to_string(theirs.version) + ": " +
                      kind_name(done.kind) + ", " + std::to_string(done.change.added) +
                      " keys added, " + std::to_string(done.change.replaced) + " replaced; count " +
                      std::to_string(done.count) + ", etag " + std::to_string(done.etag) +
                      (theirs.deleted ? " (deleted)" : ""));
    }
    if (options.dry_run) {
      dry_run_done = true;
      return Status::error(Status::Code::kFailedPrecondition, "dry run: rolled back");
    }
    return Status::ok();
  });
  if (dry_run_done) status = Status::ok();
  for (const std::string& line : lines) std::fprintf(report, "%s\n", line.c_str());
  totals.versions += mine.versions;
  totals.keys_read += mine.keys_read;
  totals.keys_written += mine.keys_written;
  totals.skipped_rows += mine.skipped_rows;
  return status;
}

}  // namespace

int import_synapse(Repository& repository, SynapseSource& source, const ImportOptions& options,
                   FILE* report, FILE* progress_out) {
  std::vector<std::string> users;
  int64_t total_keys = 0;
  try {
    users = options.users.empty() ? source.users() : options.users;
    total_keys = source.count_keys(options.users);
  } catch (const soci::soci_error& e) {
    std::fprintf(report, "cannot read the Synapse database: %s\n", e.get_error_message().c_str());
    return 1;
  }
  Progress progress(progress_out, static_cast<int64_t>(users.size()), total_keys);
  Totals totals;
  for (const std::string& user_id : users) {
    Status status;
    try {
      status = import_user(repository, source, user_id, options, totals, progress, report);
    } catch (const soci::soci_error& e) {
      status = Status::error(Status::Code::kUnavailable,
                             "reading Synapse failed: " + e.get_error_message());
    }
    if (!status.is_ok()) {
      ++totals.users_failed;
      std::fprintf(report, "NOT IMPORTED %s (left as it was): %s\n", user_id.c_str(),
                   status.message().c_str());
    }
    ++totals.users_done;
    progress.update(totals.users_done, totals.keys_read);
  }
  progress.finish();
  std::fprintf(report,
               "%s%lld users (%lld not imported), %lld versions, %lld keys read, %lld keys "
               "written, %lld rows skipped, %.0f keys/s\n",
               options.dry_run ? "dry run, nothing written: " : "",
               static_cast<long long>(totals.users_done),
               static_cast<long long>(totals.users_failed), static_cast<long long>(totals.versions),
               static_cast<long long>(totals.keys_read),
               static_cast<long long>(totals.keys_written),
               static_cast<long long>(totals.skipped_rows), progress.keys_per_second());
  return totals.users_failed == 0 ? 0 : 1;
}

}  // namespace roomkeys::admin
