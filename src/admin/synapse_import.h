// roomkeys-admin import-synapse: every backup of Synapse's database into roomkeys' (see
// core/backup_import.h for the rules), one user per transaction, reporting what it did.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "admin/synapse_source.h"
#include "core/repository.h"

namespace roomkeys::admin {

struct ImportOptions {
  std::vector<std::string> users;  // empty: every user
  bool dry_run = false;            // each user's transaction is rolled back
  size_t page_rows = 1000;         // keys read and written at a time
};

// Returns the exit status: 0 when every user was imported, 1 when any user conflicted or could
// not be imported (those users are left as they were). Reports go to `report` (never key
// material), progress to `progress`.
int import_synapse(Repository& repository, SynapseSource& source, const ImportOptions& options,
                   FILE* report, FILE* progress);

}  // namespace roomkeys::admin
