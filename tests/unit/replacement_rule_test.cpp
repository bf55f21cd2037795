#include "core/replacement_rule.h"

#include <gtest/gtest.h>

namespace roomkeys {
namespace {

KeyRank rank(bool verified, int64_t first_message_index, int64_t forwarded_count) {
  return KeyRank{first_message_index, forwarded_count, verified};
}

TEST(ReplacementRule, VerifiedBeatsUnverifiedWhateverTheIndexes) {
  EXPECT_TRUE(is_better_key(rank(true, 100, 100), rank(false, 0, 0)));
  EXPECT_FALSE(is_better_key(rank(false, 0, 0), rank(true, 100, 100)));
}

TEST(ReplacementRule, LowerFirstMessageIndexWinsNext) {
  EXPECT_TRUE(is_better_key(rank(false, 1, 9), rank(false, 2, 0)));
  EXPECT_FALSE(is_better_key(rank(false, 2, 0), rank(false, 1, 9)));
}

TEST(ReplacementRule, LowerForwardedCountWinsLast) {
  EXPECT_TRUE(is_better_key(rank(true, 3, 0), rank(true, 3, 1)));
  EXPECT_FALSE(is_better_key(rank(true, 3, 1), rank(true, 3, 0)));
}

TEST(ReplacementRule, TieKeepsTheStoredKey) {
  EXPECT_FALSE(is_better_key(rank(true, 3, 1), rank(true, 3, 1)));
  EXPECT_FALSE(is_better_key(rank(false, 0, 0), rank(false, 0, 0)));
}

}  // namespace
}  // namespace roomkeys
