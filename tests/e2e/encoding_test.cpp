// BEHAVIOUR.md "Path and query decoding": what Element Web and Element X really send.
#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

using EncodingTest = E2eTest;

class EncodedKeysTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    version_ = create_version();
  }
  // Stores a key under `raw_path_ids` ("ROOM/SESSION" as sent) and reads it back from the
  // all-rooms answer, which names the ids exactly as stored.
  std::pair<std::string, std::string> stored_ids_after_put(const std::string& raw_path_ids) {
    auto put = call("PUT", "/room_keys/keys/" + raw_path_ids + "?version=" + version_,
                    key_json(0, 0, false));
    EXPECT_EQ(put.status, 200) << raw_path_ids << " " << put.body;
    auto all = call("GET", "/room_keys/keys?version=" + version_).json();
    for (auto& [room, content] : all["rooms"].items()) {
      for (auto& [session, key] : content["sessions"].items()) return {room, session};
    }
    return {};
  }
  std::string version_;
};

TEST_P(EncodedKeysTest, ElementWebEncodeUriComponent) {
  // encodeURIComponent("!abc:example.org") and a session id with '/', '+' and '='.
  auto ids = stored_ids_after_put("%21abc%3Aexample.org/ab%2Fcd%2Bef%3D");
  EXPECT_EQ(ids.first, "!abc:example.org");
  EXPECT_EQ(ids.second, "ab/cd+ef=");
}

TEST_P(EncodedKeysTest, ElementXRawCharactersAndEncodedSlash) {
  auto ids = stored_ids_after_put("!abc:example.org/ab%2Fcd+ef=");
  EXPECT_EQ(ids.first, "!abc:example.org");
  EXPECT_EQ(ids.second, "ab/cd+ef=");
}

TEST_P(EncodedKeysTest, BothEncodingsNameTheSameKey) {
  call("PUT", "/room_keys/keys/!abc:example.org/ab%2Fcd+ef=?version=" + version_,
       key_json(0, 0, false, "\"x\""));
  auto r = call("GET", "/room_keys/keys/%21abc%3Aexample.org/ab%2Fcd%2Bef%3D?version=" + version_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["session_data"], "x");
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], 1);
}

TEST_P(EncodedKeysTest, DecodedExactlyOnce) {
  auto ids = stored_ids_after_put("!r:x/a%252Fb");
  EXPECT_EQ(ids.second, "a%2Fb");
}

TEST_P(EncodedKeysTest, PlusStaysPlusAndPercent2BIsPlus) {
  call("PUT", "/room_keys/keys/!r:x/a+b?version=" + version_, key_json(0, 0, false, "\"plus\""));
  EXPECT_EQ(call("GET", "/room_keys/keys/!r:x/a%2Bb?version=" + version_).json()["session_data"],
            "plus");
  expect_error(call("GET", "/room_keys/keys/!r:x/a%20b?version=" + version_), 404, "M_NOT_FOUND");
}

TEST_P(EncodedKeysTest, FourByteCharactersAndCaseSensitiveIds) {
  // U+1F511 (key) percent-encoded as UTF-8.
  auto ids = stored_ids_after_put("%21%F0%9F%94%91%3Ax/S%F0%9F%94%91");
  EXPECT_EQ(ids.first, "!\xF0\x9F\x94\x91:x");
  EXPECT_EQ(ids.second, "S\xF0\x9F\x94\x91");
  call("PUT", "/room_keys/keys/!abc:x/s?version=" + version_, key_json(0, 0, false, "\"lower\""));
  call("PUT", "/room_keys/keys/!ABC:x/s?version=" + version_, key_json(0, 0, false, "\"upper\""));
  EXPECT_EQ(call("GET", "/room_keys/keys/!abc:x/s?version=" + version_).json()["session_data"],
            "lower");
  EXPECT_EQ(call("GET", "/room_keys/keys/!ABC:x/s?version=" + version_).json()["session_data"],
            "upper");
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], 3);
}

TEST_P(EncodedKeysTest, RoomIdsWithoutServerPart) {
  auto ids = stored_ids_after_put("!OGEhHVWSdvArJzumhm/s");
  EXPECT_EQ(ids.first, "!OGEhHVWSdvArJzumhm");
}

TEST_P(EncodedKeysTest, IdsInTheBodyAreExactToo) {
  auto r = call("PUT", "/room_keys/keys?version=" + version_,
                one_key_body("!a\\u00e9:x", "s\\/1", key_json(0, 0, false)));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(call("GET", "/room_keys/keys/!a%C3%A9:x/s%2F1?version=" + version_).status, 200);
}

TEST_P(EncodedKeysTest, InvalidEncodingsAreRejected) {
  const std::string q = "?version=" + version_;
  for (const char* path : {"/room_keys/keys/!r:x/%ZZ", "/room_keys/keys/!r:x/%2",
                           "/room_keys/keys/%FF/s", "/room_keys/keys/!r:x/%C0%AF"}) {
    expect_error(call("GET", path + q), 400, "M_INVALID_PARAM");
    expect_error(call("PUT", path + q, key_json(0, 0, false)), 400, "M_INVALID_PARAM");
  }
  expect_error(call("GET", "/room_keys/keys/!r:x?version=%ZZ"), 400, "M_INVALID_PARAM");
}

TEST_P(EncodedKeysTest, InvalidIdsAreRejected) {
  const std::string q = "?version=" + version_;
  expect_error(call("PUT", "/room_keys/keys/no-bang:x/s" + q, key_json(0, 0, false)), 400,
               "M_INVALID_PARAM");
  expect_error(call("GET", "/room_keys/keys/no-bang:x" + q), 400, "M_INVALID_PARAM");
  const std::string long_room = "!" + std::string(255, 'r');
  const std::string long_session(256, 's');
  expect_error(call("PUT", "/room_keys/keys/" + long_room + "/s" + q, key_json(0, 0, false)), 400,
               "M_INVALID_PARAM");
  expect_error(call("PUT", "/room_keys/keys/!r:x/" + long_session + q, key_json(0, 0, false)), 400,
               "M_INVALID_PARAM");
  EXPECT_EQ(
      call("PUT", "/room_keys/keys/!" + std::string(254, 'r') + "/" + std::string(255, 's') + q,
           key_json(0, 0, false))
          .status,
      200);
  expect_error(call("PUT", "/room_keys/keys/!r:x/" + q, key_json(0, 0, false)), 400,
               "M_INVALID_PARAM");
}

TEST_P(EncodingTest, QueryValuesAreDecoded) {
  create_version();
  EXPECT_EQ(call("PUT", "/room_keys/keys/!r:x/s?version=%31", key_json(0, 0, false)).status, 200);
  EXPECT_EQ(call("GET", "/room_keys/keys/!r:x/s?other=1&version=1").status, 200);
}

ROOMKEYS_ON_BOTH_BACKENDS(EncodedKeysTest);
ROOMKEYS_ON_BOTH_BACKENDS(EncodingTest);

}  // namespace
}  // namespace roomkeys::testing
