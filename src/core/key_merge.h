// The upload merge, decided without a database: which keys of a body are written and what that
// changes, given the ranks of the keys already stored. Pure functions; the service feeds them
// what its transaction read and writes what they return.
#pragma once

#include <vector>

#include "core/key_change.h"
#include "core/records.h"

namespace roomkeys {

// One candidate per (room, session) of `keys`: a body may name a session twice, and the
// replacement rule decides between those too, in body order (on a tie the earlier one stays).
// Ordered by (room, session). The pointers point into `keys`.
std::vector<const RoomKey*> best_per_session(const std::vector<RoomKey>& keys);

struct MergePlan {
  std::vector<const RoomKey*> writes;  // new keys and better replacements, to upsert
  KeyChange change;
};

// Compares each candidate with the stored key of its (room, session), if any (`stored`: ranks of
// stored keys among the candidates, in any order; their session_data is not needed).
MergePlan plan_merge(const std::vector<const RoomKey*>& candidates,
                     const std::vector<RoomKey>& stored);

}  // namespace roomkeys
