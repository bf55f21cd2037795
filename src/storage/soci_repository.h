// Opens the SOCI implementation of Repository (SOCI stays inside the storage library).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "core/repository.h"
#include "storage/backend.h"
#include "storage/storage_metrics.h"

namespace roomkeys {

struct RepositoryOptions {
  std::string database_url = "sqlite:roomkeys.db";
  size_t pool_size = 8;  // connections shared by all request threads
  // Receives database failures for the operator's log. Messages never hold key material.
  std::function<void(std::string_view)> log_error;
  // Counted into when set; must outlive the repository.
  StorageMetrics* metrics = nullptr;
  SqliteTuning sqlite;
};

// Connects the whole pool; kUnavailable or kInvalidArgument with a message fit for an operator.
Result<std::unique_ptr<Repository>> open_soci_repository(const RepositoryOptions& options);

}  // namespace roomkeys
