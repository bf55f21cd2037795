#include "api/json_spans.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/json_validate.h"

namespace roomkeys {
namespace {

std::vector<std::pair<std::string, std::string>> members(std::string_view object) {
  std::vector<std::pair<std::string, std::string>> out;
  for_each_member(object, [&](const std::string& key, std::string_view value) {
    out.emplace_back(key, std::string(value));
    return true;
  });
  return out;
}

TEST(JsonSpans, ValidatesWholeDocuments) {
  EXPECT_TRUE(is_valid_json(R"({"a": [1, 2, {"b": null}]})"));
  EXPECT_TRUE(is_valid_json(" \"text\" "));
  EXPECT_FALSE(is_valid_json("{"));
  EXPECT_FALSE(is_valid_json("{} {}"));
  EXPECT_FALSE(is_valid_json("{\"a\": \"\xFF\"}"));
  EXPECT_FALSE(is_valid_json(""));
}

TEST(JsonSpans, TellsKinds) {
  EXPECT_EQ(json_kind(" {}"), JsonKind::kObject);
  EXPECT_EQ(json_kind("[1]"), JsonKind::kArray);
  EXPECT_EQ(json_kind("\"s\""), JsonKind::kString);
  EXPECT_EQ(json_kind("-1.5e3"), JsonKind::kNumber);
  EXPECT_EQ(json_kind("false"), JsonKind::kBool);
  EXPECT_EQ(json_kind("null"), JsonKind::kNull);
}

TEST(JsonSpans, MembersKeepTheirExactBytesAndOrder) {
  auto m = members(R"( { "z" : {"b":1,  "a" : [ "}" , "\"" ]} , "a":"x\u00e9", "n": 1.50 } )");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].first, "z");
  EXPECT_EQ(m[0].second, R"({"b":1,  "a" : [ "}" , "\"" ]})");
  EXPECT_EQ(m[1].first, "a");
  EXPECT_EQ(m[1].second, R"("x\u00e9")");
  EXPECT_EQ(m[2].second, "1.50");
}

TEST(JsonSpans, BackslashRunsBeforeQuotes) {
  auto m = members(R"({"k\\":"a\\\"b\\","q\"":{"x":"\\\\"},"last":"\""})");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].first, "k\\");
  EXPECT_EQ(m[0].second, R"("a\\\"b\\")");
  EXPECT_EQ(m[1].first, "q\"");
  EXPECT_EQ(m[1].second, R"({"x":"\\\\"})");
  EXPECT_EQ(m[2].second, R"("\"")");
}

TEST(JsonSpans, UnescapesKeys) {
  auto m = members(R"({"\u0021room\/x": 1, "caf\u00e9": 2, "\ud83d\udd11": 3})");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].first, "!room/x");
  EXPECT_EQ(m[1].first, "caf\xC3\xA9");
  EXPECT_EQ(m[2].first, "\xF0\x9F\x94\x91");
}

TEST(JsonSpans, EmptyObjectHasNoMembers) {
  EXPECT_TRUE(members("{}").empty());
  EXPECT_TRUE(members(" { } ").empty());
}

TEST(JsonSpans, EscapesStrings) {
  std::string out;
  append_json_string(out, "plain");
  append_json_string(out, "q\"b\\n\n\x01");
  EXPECT_EQ(out, R"("plain""q\"b\\n\n\u0001")");
}

}  // namespace
}  // namespace roomkeys
