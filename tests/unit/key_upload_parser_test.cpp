#include "api/key_upload_parser.h"

#include <gtest/gtest.h>

namespace roomkeys {
namespace {

const char* const kKey =
    R"({"first_message_index": 1, "forwarded_count": 2, "is_verified": true,
        "session_data": {"ciphertext": "c", "mac": "m", "ephemeral": "e"}, "extra": [1]})";

TEST(KeyUploadParser, ReadsAllRooms) {
  auto keys =
      parse_all_rooms_upload(std::string(R"({"rooms": {"!a:x": {"sessions": {"s1": )") + kKey +
                             R"(, "s2": )" + kKey + R"(}}, "!b": {"sessions": {}}}})");
  ASSERT_TRUE(keys.is_ok()) << keys.error().message;
  ASSERT_EQ(keys.value().size(), 2u);
  const RoomKey& k = keys.value()[0];
  EXPECT_EQ(k.room_id, "!a:x");
  EXPECT_EQ(k.session_id, "s1");
  EXPECT_EQ(k.rank.first_message_index, 1);
  EXPECT_EQ(k.rank.forwarded_count, 2);
  EXPECT_TRUE(k.rank.is_verified);
  EXPECT_EQ(k.session_data, R"({"ciphertext": "c", "mac": "m", "ephemeral": "e"})");
}

TEST(KeyUploadParser, ReadsOneRoomAndOneSession) {
  auto room = parse_room_upload(std::string(R"({"sessions": {"s": )") + kKey + "}}", "!r");
  ASSERT_TRUE(room.is_ok());
  EXPECT_EQ(room.value().at(0).room_id, "!r");
  auto session = parse_session_upload(kKey, "!r", "s/1");
  ASSERT_TRUE(session.is_ok());
  EXPECT_EQ(session.value().at(0).session_id, "s/1");
}

TEST(KeyUploadParser, SessionDataMayBeAnyValueButNull) {
  for (const char* data : {"\"text\"", "[1,2]", "0", "false"}) {
    auto keys = parse_session_upload(
        std::string(R"({"first_message_index":0,"forwarded_count":0,"is_verified":false,)") +
            "\"session_data\":" + data + "}",
        "!r", "s");
    ASSERT_TRUE(keys.is_ok()) << data;
    EXPECT_EQ(keys.value()[0].session_data, data);
  }
  auto null_data = parse_session_upload(
      R"({"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":null})",
      "!r", "s");
  EXPECT_EQ(null_data.error().errcode, "M_BAD_JSON");
}

TEST(KeyUploadParser, RejectsBadFieldsNamingRoomAndSession) {
  const char* bad_keys[] = {
      R"({"forwarded_count":0,"is_verified":false,"session_data":{}})",
      R"({"first_message_index":-1,"forwarded_count":0,"is_verified":false,"session_data":{}})",
      R"({"first_message_index":1.5,"forwarded_count":0,"is_verified":false,"session_data":{}})",
      R"({"first_message_index":"1","forwarded_count":0,"is_verified":false,"session_data":{}})",
      R"({"first_message_index":0,"forwarded_count":1e2,"is_verified":false,"session_data":{}})",
      R"({"first_message_index":0,"forwarded_count":0,"is_verified":"true","session_data":{}})",
      R"({"first_message_index":0,"forwarded_count":0,"is_verified":false})",
      R"({"first_message_index":99999999999999999999,"forwarded_count":0,"is_verified":false,"session_data":{}})",
      R"([1])",
  };
  for (const char* key : bad_keys) {
    auto keys = parse_room_upload(std::string(R"({"sessions": {"sess": )") + key + "}}", "!room");
    ASSERT_FALSE(keys.is_ok()) << key;
    EXPECT_EQ(keys.error().errcode, "M_BAD_JSON") << key;
    EXPECT_NE(keys.error().message.find("!room"), std::string::npos);
    EXPECT_NE(keys.error().message.find("sess"), std::string::npos);
  }
}

TEST(KeyUploadParser, RejectsBadShapes) {
  EXPECT_EQ(parse_all_rooms_upload("not json").error().errcode, "M_NOT_JSON");
  EXPECT_EQ(parse_all_rooms_upload("[]").error().errcode, "M_NOT_JSON");
  EXPECT_EQ(parse_all_rooms_upload("{}").error().errcode, "M_BAD_JSON");
  EXPECT_EQ(parse_all_rooms_upload(R"({"rooms": []})").error().errcode, "M_BAD_JSON");
  EXPECT_EQ(parse_all_rooms_upload(R"({"rooms": {"!r": []}})").error().errcode, "M_BAD_JSON");
  EXPECT_EQ(parse_all_rooms_upload(R"({"rooms": {"!r": {"sessions": 1}}})").error().errcode,
            "M_BAD_JSON");
  EXPECT_EQ(parse_all_rooms_upload(R"({"rooms": {"no-bang": {"sessions": {}}}})").error().errcode,
            "M_BAD_JSON");
  EXPECT_EQ(parse_room_upload(R"({"sessions": {"": {}}})", "!r").error().errcode, "M_BAD_JSON");
}

TEST(KeyUploadParser, EmptyUploadsAreValid) {
  auto keys = parse_all_rooms_upload(R"({"rooms": {}})");
  ASSERT_TRUE(keys.is_ok());
  EXPECT_TRUE(keys.value().empty());
}

}  // namespace
}  // namespace roomkeys
