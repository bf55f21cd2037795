// The upload merge and the etag/count rule, without a database.
#include "core/key_merge.h"

#include <gtest/gtest.h>

#include "core/key_change.h"
#include "support/room_key.h"

namespace roomkeys {
namespace {

using testing::key;

TEST(BestPerSession, KeepsTheBetterOfTwoKeysForOneSessionAndTheFirstOnATie) {
  const std::vector<RoomKey> body = {
      key("!r", "s", {5, 0, false}, "\"first\""), key("!r", "t", {0, 0, false}),
      key("!r", "s", {5, 0, false}, "\"tie\""), key("!r", "s", {2, 0, false}, "\"better\""),
      key("!r", "s", {9, 0, false}, "\"worse\"")};
  const auto candidates = best_per_session(body);
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0]->session_id, "s");
  EXPECT_EQ(candidates[0]->session_data, "\"better\"");
  EXPECT_EQ(candidates[1]->session_id, "t");
  const std::vector<RoomKey> ties = {key("!r", "s", {1, 1, true}, "\"a\""),
                                     key("!r", "s", {1, 1, true}, "\"b\"")};
  EXPECT_EQ(best_per_session(ties)[0]->session_data, "\"a\"");
}

TEST(BestPerSession, SameSessionIdInTwoRoomsIsTwoKeys) {
  const std::vector<RoomKey> body = {key("!a", "s", {0, 0, false}), key("!b", "s", {0, 0, false})};
  EXPECT_EQ(best_per_session(body).size(), 2u);
}

TEST(PlanMerge, NewKeysAreAddedBetterOnesReplaceAndWorseOrEqualOnesAreDropped) {
  const std::vector<RoomKey> body = {
      key("!r", "new", {0, 0, false}), key("!r", "better", {0, 0, true}),
      key("!r", "worse", {9, 0, false}), key("!r", "equal", {3, 1, false}),
      key("!r", "lower_fwd", {3, 0, false})};
  const std::vector<RoomKey> stored = {
      key("!r", "better", {0, 0, false}, ""), key("!r", "worse", {1, 0, false}, ""),
      key("!r", "equal", {3, 1, false}, ""), key("!r", "lower_fwd", {3, 2, false}, "")};
  const MergePlan plan = plan_merge(best_per_session(body), stored);
  std::vector<std::string> written;
  for (const RoomKey* k : plan.writes) written.push_back(k->session_id);
  EXPECT_EQ(written, (std::vector<std::string>{"better", "lower_fwd", "new"}));
  EXPECT_EQ(plan.change.added, 1);
  EXPECT_EQ(plan.change.replaced, 2);
  EXPECT_EQ(plan.change.removed, 0);
}

TEST(PlanMerge, NothingBetterChangesNothing) {
  const std::vector<RoomKey> body = {key("!r", "s", {4, 0, false})};
  const std::vector<RoomKey> stored = {key("!r", "s", {4, 0, false})};
  const MergePlan plan = plan_merge(best_per_session(body), stored);
  EXPECT_TRUE(plan.writes.empty());
  EXPECT_TRUE(plan.change.empty());
}

TEST(ApplyKeyChange, EtagMovesIfAndOnlyIfTheKeysChangedAndCountStaysExact) {
  BackupVersion v;
  v.etag = 7;
  v.count = 10;
  EXPECT_FALSE(apply_key_change(v, KeyChange{}));
  EXPECT_EQ(v.etag, 7);
  EXPECT_EQ(v.count, 10);
  EXPECT_TRUE(apply_key_change(v, KeyChange{3, 0, 0}));
  EXPECT_EQ(v.etag, 8);
  EXPECT_EQ(v.count, 13);
  EXPECT_TRUE(apply_key_change(v, KeyChange{0, 2, 0}));  // replacements: same count
  EXPECT_EQ(v.etag, 9);
  EXPECT_EQ(v.count, 13);
  EXPECT_TRUE(apply_key_change(v, KeyChange{0, 0, 13}));
  EXPECT_EQ(v.etag, 10);
  EXPECT_EQ(v.count, 0);
}

}  // namespace
}  // namespace roomkeys
