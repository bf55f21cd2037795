#include "api/key_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace roomkeys {
namespace {

// Collects what a handler would send.
class CapturingResponder final : public Responder {
 public:
  void send(int status, std::string_view body) override {
    this->status = status;
    this->body = body;
  }
  bool begin(int status) override {
    this->status = status;
    return true;
  }
  bool write(std::string_view chunk) override {
    body += chunk;
    ++chunks;
    return true;
  }
  bool end() override { return ended = true; }

  int status = 0;
  int chunks = 0;
  bool ended = false;
  std::string body;
};

RoomKey key(const std::string& room, const std::string& session, const std::string& data) {
  RoomKey k;
  k.room_id = room;
  k.session_id = session;
  k.rank = {1, 0, true};
  k.session_data = data;
  return k;
}

TEST(KeyStreamWriter, GroupsSessionsByRoom) {
  CapturingResponder out;
  KeyStreamWriter writer(out, KeyStreamWriter::Shape::kAllRooms);
  writer.add(key("!a", "s1", "{\"x\":1}"));
  writer.add(key("!a", "s2", "\"y\""));
  writer.add(key("!b\"q", "s1", "[]"));
  writer.finish();
  EXPECT_TRUE(out.ended);
  auto json = nlohmann::json::parse(out.body);
  EXPECT_EQ(json["rooms"].size(), 2u);
  EXPECT_EQ(json["rooms"]["!a"]["sessions"]["s1"]["session_data"]["x"], 1);
  EXPECT_EQ(json["rooms"]["!a"]["sessions"]["s2"]["is_verified"], true);
  EXPECT_EQ(json["rooms"]["!b\"q"]["sessions"]["s1"]["first_message_index"], 1);
}

TEST(KeyStreamWriter, EmptyAnswers) {
  CapturingResponder all, room;
  KeyStreamWriter(all, KeyStreamWriter::Shape::kAllRooms).finish();
  KeyStreamWriter(room, KeyStreamWriter::Shape::kOneRoom).finish();
  EXPECT_EQ(all.body, R"({"rooms":{}})");
  EXPECT_EQ(room.body, R"({"sessions":{}})");
  EXPECT_EQ(all.status, 200);
}

TEST(KeyStreamWriter, StreamsLargeAnswersInChunks) {
  CapturingResponder out;
  KeyStreamWriter writer(out, KeyStreamWriter::Shape::kOneRoom);
  const std::string data = "\"" + std::string(1200, 'A') + "\"";
  for (int i = 0; i < 1000; ++i) writer.add(key("!r", "s" + std::to_string(i), data));
  writer.finish();
  EXPECT_GT(out.chunks, 10);
  EXPECT_EQ(nlohmann::json::parse(out.body)["sessions"].size(), 1000u);
}

TEST(KeyJson, VersionInfoSplicesAuthDataVerbatim) {
  BackupVersion v;
  v.version = 3;
  v.algorithm = "m.megolm_backup.v1.curve25519-aes-sha2";
  v.auth_data = R"({"public_key": "abc", "signatures": {}})";
  v.etag = 7;
  v.count = 2;
  EXPECT_EQ(
      version_info_json(v),
      R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{"public_key": "abc", "signatures": {}},"count":2,"etag":"7","version":"3"})");
}

}  // namespace
}  // namespace roomkeys
