// The one rule for a version's etag and count. Every operation that changes the keys of a
// version (uploads, key deletes, version deletes, operator purges, imports) describes what it
// changed, and this decides the version's new etag and count (docs/BEHAVIOUR.md, "etag and
// count").
#pragma once

#include <cstdint>

#include "core/records.h"

namespace roomkeys {

struct KeyChange {
  int64_t added = 0;     // keys the version did not hold before
  int64_t replaced = 0;  // stored keys overwritten by better ones
  int64_t removed = 0;   // stored keys deleted

  bool empty() const { return added == 0 && replaced == 0 && removed == 0; }
};

// The etag changes if and only if the set of stored keys changed; the count stays exact.
// Returns whether anything changed (and so needs writing).
inline bool apply_key_change(BackupVersion& version, const KeyChange& change) {
  if (change.empty()) return false;
  version.etag += 1;
  version.count += change.added - change.removed;
  return true;
}

// An import merging another server's copy of a version into ours: when our keys changed, the
// etag moves past both sides' old etags, so no client mistakes the result for either copy.
inline bool apply_imported_change(BackupVersion& version, const KeyChange& change,
                                  int64_t their_etag) {
  if (!apply_key_change(version, change)) return false;
  if (version.etag <= their_etag) version.etag = their_etag + 1;
  return true;
}

}  // namespace roomkeys
