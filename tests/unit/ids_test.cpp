#include "core/ids.h"

#include <gtest/gtest.h>

#include <string>

namespace roomkeys {
namespace {

TEST(Ids, RoomIdsStartWithBangAndMayOmitTheServer) {
  EXPECT_TRUE(check_room_id("!abc:example.org").is_ok());
  EXPECT_TRUE(check_room_id("!abcdefghijklmnop").is_ok());
  EXPECT_TRUE(check_room_id("!\xF0\x9F\x94\x91:x").is_ok());
  EXPECT_EQ(check_room_id("abc:example.org").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(check_room_id("").code(), Status::Code::kInvalidArgument);
}

TEST(Ids, SessionIdsAreNonEmpty) {
  EXPECT_TRUE(check_session_id("a+b/c=").is_ok());
  EXPECT_EQ(check_session_id("").code(), Status::Code::kInvalidArgument);
}

TEST(Ids, AtMost255Bytes) {
  EXPECT_TRUE(check_room_id("!" + std::string(254, 'a')).is_ok());
  EXPECT_FALSE(check_room_id("!" + std::string(255, 'a')).is_ok());
  EXPECT_TRUE(check_session_id(std::string(255, 's')).is_ok());
  EXPECT_FALSE(check_session_id(std::string(256, 's')).is_ok());
}

TEST(Ids, MustBeValidUtf8) {
  EXPECT_FALSE(check_room_id("!\xFF").is_ok());
  EXPECT_FALSE(check_session_id("\xC3").is_ok());
}

}  // namespace
}  // namespace roomkeys
