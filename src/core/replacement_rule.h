// The one rule that decides which of two keys for the same (room, session) a backup keeps.
#pragma once

#include "core/records.h"

namespace roomkeys {

// True when `candidate` should replace `stored`: a verified key beats an unverified one, then the
// lower first_message_index wins, then the lower forwarded_count; on a tie the stored key stays.
inline bool is_better_key(const KeyRank& candidate, const KeyRank& stored) {
  if (candidate.is_verified != stored.is_verified) return candidate.is_verified;
  if (candidate.first_message_index != stored.first_message_index) {
    return candidate.first_message_index < stored.first_message_index;
  }
  return candidate.forwarded_count < stored.forwarded_count;
}

}  // namespace roomkeys
