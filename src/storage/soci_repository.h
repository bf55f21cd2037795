// Opens the SOCI implementation of Repository (SOCI stays inside the storage library).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "core/repository.h"

namespace roomkeys {

struct RepositoryOptions {
  std::string database_url = "sqlite:roomkeys.db";
  size_t pool_size = 8;  // connections shared by all request threads
  // Receives database failures for the operator's log. Messages never hold key material.
  std::function<void(std::string_view)> log_error;
};

// Connects the whole pool; kUnavailable or kInvalidArgument with a message fit for an operator.
Result<std::unique_ptr<Repository>> open_soci_repository(const RepositoryOptions& options);

}  // namespace roomkeys
