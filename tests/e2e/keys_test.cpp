// BEHAVIOUR.md "Keys" and "etag and count", over real HTTP.
#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

using KeysTest = E2eTest;
using nlohmann::json;

TEST_P(KeysTest, UploadsInAllThreeForms) {
  const std::string v = create_version();
  auto all = call("PUT", "/room_keys/keys?version=" + v,
                  one_key_body("!a:x", "s1", key_json(0, 0, false)));
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json()["count"], 1);
  EXPECT_TRUE(all.json()["etag"].is_string());
  auto room = call("PUT", "/room_keys/keys/!a:x?version=" + v,
                   R"({"sessions":{"s2":)" + key_json(0, 0, false) + "}}");
  ASSERT_EQ(room.status, 200) << room.body;
  EXPECT_EQ(room.json()["count"], 2);
  auto session = call("PUT", "/room_keys/keys/!b:x/s3?version=" + v, key_json(0, 0, false));
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_EQ(session.json()["count"], 3);
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], 3);
}

TEST_P(KeysTest, UploadVersionRules) {
  const std::string body = one_key_body("!a:x", "s", key_json(0, 0, false));
  expect_error(call("PUT", "/room_keys/keys", body), 400, "M_MISSING_PARAM");
  expect_error(call("PUT", "/room_keys/keys?version=1", body), 404, "M_NOT_FOUND");  // no backup
  create_version();
  create_version();
  auto old = call("PUT", "/room_keys/keys?version=1", body);
  expect_error(old, 403, "M_WRONG_ROOM_KEYS_VERSION");
  EXPECT_EQ(old.json()["current_version"], "2");
  expect_error(call("PUT", "/room_keys/keys/!a:x/s?version=1", key_json(0, 0, false)), 403,
               "M_WRONG_ROOM_KEYS_VERSION");
  expect_error(call("PUT", "/room_keys/keys?version=3", body), 404, "M_NOT_FOUND");
  expect_error(call("PUT", "/room_keys/keys?version=abc", body), 404, "M_NOT_FOUND");
  call("DELETE", "/room_keys/version/2");
  expect_error(call("PUT", "/room_keys/keys?version=2", body), 404, "M_NOT_FOUND");
  EXPECT_EQ(call("PUT", "/room_keys/keys?version=1", body).status, 200);  // current again
}

TEST_P(KeysTest, ReplacementRuleOverHttp) {
  const std::string v = create_version();
  auto put = [&](int index, int forwards, bool verified, const std::string& tag) {
    return call("PUT", "/room_keys/keys/!r:x/s?version=" + v,
                key_json(index, forwards, verified, "\"" + tag + "\""));
  };
  auto stored = [&] {
    return call("GET", "/room_keys/keys/!r:x/s?version=" + v).json()["session_data"];
  };
  const auto first = put(5, 5, false, "first").json();
  EXPECT_EQ(put(6, 0, false, "higher index").json(), first);  // kept: etag unchanged
  EXPECT_EQ(stored(), "first");
  put(5, 4, false, "fewer forwards");
  EXPECT_EQ(stored(), "fewer forwards");
  put(100, 100, true, "verified");
  EXPECT_EQ(stored(), "verified");
  put(0, 0, false, "unverified");
  EXPECT_EQ(stored(), "verified");
  const auto tie = put(100, 100, true, "tie").json();
  EXPECT_EQ(stored(), "verified");
  put(99, 100, true, "lower index");
  EXPECT_EQ(stored(), "lower index");
  EXPECT_EQ(tie["count"], 1);
}

TEST_P(KeysTest, EtagChangesIfAndOnlyIfTheKeysChange) {
  const std::string v = create_version();
  const std::string etag0 = call("GET", "/room_keys/version").json()["etag"];
  auto a =
      call("PUT", "/room_keys/keys?version=" + v, one_key_body("!r:x", "s", key_json(3, 0, false)));
  EXPECT_NE(a.json()["etag"], etag0);
  auto same =
      call("PUT", "/room_keys/keys?version=" + v, one_key_body("!r:x", "s", key_json(3, 0, false)));
  EXPECT_EQ(same.json()["etag"], a.json()["etag"]);
  auto nothing = call("DELETE", "/room_keys/keys/!r:x/other?version=" + v);
  EXPECT_EQ(nothing.json()["etag"], a.json()["etag"]);
  EXPECT_EQ(nothing.json()["count"], 1);
  auto empty = call("PUT", "/room_keys/keys?version=" + v, R"({"rooms":{}})");
  EXPECT_EQ(empty.json()["etag"], a.json()["etag"]);
  auto removed = call("DELETE", "/room_keys/keys/!r:x/s?version=" + v);
  EXPECT_NE(removed.json()["etag"], a.json()["etag"]);
  EXPECT_EQ(removed.json()["count"], 0);
  EXPECT_EQ(call("GET", "/room_keys/version").json()["etag"], removed.json()["etag"]);
}

TEST_P(KeysTest, BadKeyRejectsTheWholeRequest) {
  const std::string v = create_version();
  const std::string body = R"({"rooms":{"!good:x":{"sessions":{"ok":)" + key_json(0, 0, false) +
                           R"(}},"!bad:x":{"sessions":{"broken":{"first_message_index":0}}}}})";
  auto r = call("PUT", "/room_keys/keys?version=" + v, body);
  expect_error(r, 400, "M_BAD_JSON");
  EXPECT_NE(r.json()["error"].get<std::string>().find("!bad:x"), std::string::npos);
  EXPECT_NE(r.json()["error"].get<std::string>().find("broken"), std::string::npos);
  EXPECT_EQ(call("GET", "/room_keys/keys?version=" + v).json(), json::parse(R"({"rooms":{}})"));
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], 0);
}

TEST_P(KeysTest, BodyShapeErrors) {
  const std::string v = create_version();
  const std::string q = "?version=" + v;
  expect_error(call("PUT", "/room_keys/keys" + q, "{nope"), 400, "M_NOT_JSON");
  expect_error(call("PUT", "/room_keys/keys" + q, "[]"), 400, "M_NOT_JSON");
  expect_error(call("PUT", "/room_keys/keys" + q, R"({"rooms":[]})"), 400, "M_BAD_JSON");
  expect_error(call("PUT", "/room_keys/keys" + q, R"({})"), 400, "M_BAD_JSON");
  expect_error(call("PUT", "/room_keys/keys/!r:x" + q, R"({"sessions":"x"})"), 400, "M_BAD_JSON");
  expect_error(call("PUT", "/room_keys/keys/!r:x/s" + q, R"({"first_message_index":"0"})"), 400,
               "M_BAD_JSON");
  expect_error(call("PUT", "/room_keys/keys/!r:x/s" + q, key_json(0, 0, false, "null")), 400,
               "M_BAD_JSON");
}

TEST_P(KeysTest, SessionDataRoundTripsExactly) {
  const std::string v = create_version();
  const std::string data =
      R"({"ephemeral":"e\u00e9","mac":"m","ciphertext":"c","nested":{"b":[1.50,true,null]}})";
  call("PUT", "/room_keys/keys/!r:x/s?version=" + v, key_json(0, 0, false, data));
  auto r = call("GET", "/room_keys/keys/!r:x/s?version=" + v);
  EXPECT_NE(r.body.find(data), std::string::npos) << r.body;
  EXPECT_EQ(r.json()["session_data"], json::parse(data));
}

TEST_P(KeysTest, ReadsInAllThreeForms) {
  const std::string v = create_version();
  call("PUT", "/room_keys/keys?version=" + v,
       R"({"rooms":{"!a:x":{"sessions":{"s1":)" + key_json(1, 2, true) + R"(,"s2":)" +
           key_json(0, 0, false) + R"(}},"!b:x":{"sessions":{"s1":)" + key_json(0, 0, false) +
           "}}}}");
  auto all = call("GET", "/room_keys/keys?version=" + v).json();
  EXPECT_EQ(all["rooms"].size(), 2u);
  EXPECT_EQ(
      all["rooms"]["!a:x"]["sessions"]["s1"],
      json::parse(
          R"({"first_message_index":1,"forwarded_count":2,"is_verified":true,"session_data":{"ciphertext":"c"}})"));
  auto room = call("GET", "/room_keys/keys/!a:x?version=" + v).json();
  EXPECT_EQ(room["sessions"].size(), 2u);
  EXPECT_EQ(room["sessions"]["s1"], all["rooms"]["!a:x"]["sessions"]["s1"]);
  auto session = call("GET", "/room_keys/keys/!b:x/s1?version=" + v).json();
  EXPECT_EQ(session, all["rooms"]["!b:x"]["sessions"]["s1"]);
}

TEST_P(KeysTest, EmptyReadsAndMissingSession) {
  const std::string v = create_version();
  EXPECT_EQ(call("GET", "/room_keys/keys?version=" + v).json(), json::parse(R"({"rooms":{}})"));
  EXPECT_EQ(call("GET", "/room_keys/keys/!r:x?version=" + v).json(),
            json::parse(R"({"sessions":{}})"));
  auto missing_session = call("GET", "/room_keys/keys/!r:x/s?version=" + v);
  expect_error(missing_session, 404, "M_NOT_FOUND");
  auto missing_version = call("GET", "/room_keys/keys/!r:x/s?version=9");
  expect_error(missing_version, 404, "M_NOT_FOUND");
  EXPECT_NE(missing_session.json()["error"], missing_version.json()["error"]);
}

TEST_P(KeysTest, ReadsWithoutVersionUseTheCurrentBackup) {
  expect_error(call("GET", "/room_keys/keys"), 404, "M_NOT_FOUND");
  expect_error(call("GET", "/room_keys/keys/!r:x"), 404, "M_NOT_FOUND");
  expect_error(call("GET", "/room_keys/keys/!r:x/s"), 404, "M_NOT_FOUND");
  const std::string v1 = create_version();
  call("PUT", "/room_keys/keys/!r:x/s?version=" + v1, key_json(0, 0, false, "\"old\""));
  const std::string v2 = create_version();
  call("PUT", "/room_keys/keys/!r:x/s?version=" + v2, key_json(0, 0, false, "\"new\""));
  EXPECT_EQ(call("GET", "/room_keys/keys/!r:x/s").json()["session_data"], "new");
  EXPECT_EQ(call("GET", "/room_keys/keys/!r:x").json()["sessions"]["s"]["session_data"], "new");
  EXPECT_EQ(call("GET", "/room_keys/keys?version=" + v1)
                .json()["rooms"]["!r:x"]["sessions"]["s"]["session_data"],
            "old");  // an older version stays readable
  call("DELETE", "/room_keys/version/" + v1);
  expect_error(call("GET", "/room_keys/keys?version=" + v1), 404, "M_NOT_FOUND");
}

TEST_P(KeysTest, DeletesInAllThreeForms) {
  const std::string v = create_version();
  call("PUT", "/room_keys/keys?version=" + v,
       R"({"rooms":{"!a:x":{"sessions":{"1":)" + key_json(0, 0, false) + R"(,"2":)" +
           key_json(0, 0, false) + R"(}},"!b:x":{"sessions":{"1":)" + key_json(0, 0, false) +
           R"(}},"!c:x":{"sessions":{"1":)" + key_json(0, 0, false) + "}}}}");
  expect_error(call("DELETE", "/room_keys/keys"), 400, "M_MISSING_PARAM");
  expect_error(call("DELETE", "/room_keys/keys/!a:x"), 400, "M_MISSING_PARAM");
  expect_error(call("DELETE", "/room_keys/keys?version=8"), 404, "M_NOT_FOUND");
  EXPECT_EQ(call("DELETE", "/room_keys/keys/!a:x/1?version=" + v).json()["count"], 3);
  EXPECT_EQ(call("DELETE", "/room_keys/keys/!b:x?version=" + v).json()["count"], 2);
  auto all = call("DELETE", "/room_keys/keys?version=" + v);
  EXPECT_EQ(all.json()["count"], 0);
  EXPECT_TRUE(all.json()["etag"].is_string());
  EXPECT_EQ(call("GET", "/room_keys/keys?version=" + v).json(), json::parse(R"({"rooms":{}})"));
}

TEST_P(KeysTest, OlderVersionsMayBeCleaned) {
  const std::string v1 = create_version();
  call("PUT", "/room_keys/keys/!r:x/s?version=" + v1, key_json(0, 0, false));
  create_version();
  EXPECT_EQ(call("DELETE", "/room_keys/keys?version=" + v1).json()["count"], 0);
}

TEST_P(KeysTest, DeletingAVersionRemovesItsKeys) {
  const std::string v1 = create_version();
  call("PUT", "/room_keys/keys/!r:x/s?version=" + v1, key_json(0, 0, false));
  call("DELETE", "/room_keys/version/" + v1);
  expect_error(call("GET", "/room_keys/keys/!r:x/s?version=" + v1), 404, "M_NOT_FOUND");
  const std::string v2 = create_version();
  EXPECT_EQ(call("GET", "/room_keys/keys?version=" + v2).json(), json::parse(R"({"rooms":{}})"));
}

TEST_P(KeysTest, TwoUsersAreIsolated) {
  const std::string alice = create_version(kAlice);
  call("PUT", "/room_keys/keys/!r:x/s?version=" + alice, key_json(0, 0, false, "\"alice\""));
  expect_error(call("GET", "/room_keys/keys?version=" + alice, "", kBob), 404, "M_NOT_FOUND");
  expect_error(call("PUT", "/room_keys/keys/!r:x/s?version=" + alice, key_json(0, 0, true), kBob),
               404, "M_NOT_FOUND");
  expect_error(call("DELETE", "/room_keys/keys?version=" + alice, "", kBob), 404, "M_NOT_FOUND");
  const std::string bob = create_version(kBob);
  call("PUT", "/room_keys/keys/!r:x/s?version=" + bob, key_json(0, 0, true, "\"bob\""), kBob);
  call("DELETE", "/room_keys/keys?version=" + bob, "", kBob);
  EXPECT_EQ(call("GET", "/room_keys/keys/!r:x/s?version=" + alice).json()["session_data"], "alice");
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], 1);
}

TEST_P(KeysTest, LargeBackupStreamsBackWhole) {
  const std::string v = create_version();
  const std::string data = "\"" + std::string(1200, 'Q') + "\"";
  int uploaded = 0;
  for (int batch = 0; batch < 20; ++batch) {
    std::string body = R"({"rooms":{)";
    for (int room = 0; room < 5; ++room) {
      body += (room ? "," : "") + std::string("\"!room") + std::to_string(batch * 5 + room) +
              ":x\":{\"sessions\":{";
      for (int s = 0; s < 20; ++s) {
        body += (s ? "," : "") + std::string("\"s") + std::to_string(s) +
                "\":" + key_json(s, 0, false, data);
        ++uploaded;
      }
      body += "}}";
    }
    body += "}}";
    ASSERT_EQ(call("PUT", "/room_keys/keys?version=" + v, body).status, 200);
  }
  auto r = call("GET", "/room_keys/keys?version=" + v);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto rooms = r.json()["rooms"];
  size_t total = 0;
  for (const auto& room : rooms) total += room["sessions"].size();
  EXPECT_EQ(total, static_cast<size_t>(uploaded));
  EXPECT_EQ(call("GET", "/room_keys/version").json()["count"], uploaded);
}

ROOMKEYS_ON_BOTH_BACKENDS(KeysTest);

}  // namespace
}  // namespace roomkeys::testing
