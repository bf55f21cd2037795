#include "core/key_merge.h"

#include <map>
#include <string_view>
#include <utility>

#include "core/replacement_rule.h"

namespace roomkeys {
namespace {

using IdPair = std::pair<std::string_view, std::string_view>;  // (room, session), borrowed

IdPair ids_of(const RoomKey& key) { return {key.room_id, key.session_id}; }

}  // namespace

std::vector<const RoomKey*> best_per_session(const std::vector<RoomKey>& keys) {
  std::map<IdPair, const RoomKey*> best;
  for (const RoomKey& key : keys) {
    auto [it, inserted] = best.emplace(ids_of(key), &key);
    if (!inserted && is_better_key(key.rank, it->second->rank)) it->second = &key;
  }
  std::vector<const RoomKey*> candidates;
  candidates.reserve(best.size());
  for (const auto& entry : best) candidates.push_back(entry.second);
  return candidates;
}

MergePlan plan_merge(const std::vector<const RoomKey*>& candidates,
                     const std::vector<RoomKey>& stored) {
  std::map<IdPair, KeyRank> stored_ranks;
  for (const RoomKey& key : stored) stored_ranks.emplace(ids_of(key), key.rank);
  MergePlan plan;
  for (const RoomKey* key : candidates) {
    auto it = stored_ranks.find(ids_of(*key));
    if (it == stored_ranks.end()) {
      ++plan.change.added;
      plan.writes.push_back(key);
    } else if (is_better_key(key->rank, it->second)) {
      ++plan.change.replaced;
      plan.writes.push_back(key);
    }
  }
  return plan;
}

}  // namespace roomkeys
