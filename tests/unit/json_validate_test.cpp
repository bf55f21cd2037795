#include "common/json_validate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace roomkeys {
namespace {

TEST(JsonValidate, AcceptsTheGrammar) {
  for (const char* text :
       {"{}", "[]", " {\"a\" : [1, -0, 0.5, 1e5, 2E-3, -12.5e+10, true, false, null]} ", "\"\"",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"", "\"é😀\"", "[[[[[]]]]]",
        "{\"a\":{\"b\":{}}}", "0", "\xEF\xBB\xBF{}", "\"\x7F\"", "1e-400"}) {
    EXPECT_TRUE(is_valid_json(text)) << text;
  }
}

TEST(JsonValidate, RejectsEverythingElse) {
  for (const char* text : {"",
                           " ",
                           "{",
                           "}",
                           "[1,]",
                           "{\"a\":1,}",
                           "{,}",
                           "[,1]",
                           "{\"a\" 1}",
                           "{1:2}",
                           "{'a':1}",
                           "01",
                           "1.",
                           ".5",
                           "+1",
                           "-",
                           "1e",
                           "1e+",
                           "0x10",
                           "NaN",
                           "Infinity",
                           "tru",
                           "nul",
                           "True",
                           "\"\\x\"",
                           "\"\\u12\"",
                           "\"\\uD800\"",
                           "\"\\uDC00\"",
                           "\"\\uD800\\u0041\"",
                           "\"\t\"",
                           "\"\x01\"",
                           "\"\xFF\"",
                           "\"\xC0\x80\"",
                           "\"\xED\xA0\x80\"",
                           "\"abc",
                           "{} {}",
                           "{}x",
                           "1e400",
                           "-1e400",
                           "[1 2]",
                           "{\"a\":1 \"b\":2}"}) {
    EXPECT_FALSE(is_valid_json(text)) << text;
  }
  EXPECT_FALSE(is_valid_json(std::string("{}\0", 3)));     // nothing after the value
  EXPECT_FALSE(is_valid_json(std::string("\"a\0\"", 4)));  // raw control character
  EXPECT_FALSE(is_valid_json(std::string(400, '9')));      // overflows a double
}

TEST(JsonValidate, DeepNestingNeedsNoStack) {
  const size_t depth = 1000000;
  EXPECT_TRUE(is_valid_json(std::string(depth, '[') + std::string(depth, ']')));
  EXPECT_FALSE(is_valid_json(std::string(depth, '[') + std::string(depth - 1, ']')));
}

// Agrees with nlohmann::json::accept on random mutations of valid documents. (nlohmann stops
// at a NUL byte after the value, which this validator rejects; those inputs are left out.)
TEST(JsonValidate, AgreesWithNlohmannOnMutations) {
  const std::vector<std::string> seeds = {
      std::string(R"({"rooms":{"!r:x":{"sessions":{"s1":{"first_message_index":1,)") +
          R"("forwarded_count":0,"is_verified":false,)" +
          R"("session_data":{"ciphertext":"YWJj","mac":"bWFj"}}}}}})",
      std::string(R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2",)") +
          R"("auth_data":{"public_key":"k",)" +
          R"("signatures":{"@a:x":{"ed25519:D":"c2ln"}}},"version":"1"})",
      R"([1, -2.5e3, 0, true, false, null, "\u00e9\n\"", "é😀", {}, [], {"a": [{}]}])",
      R"("\uD83D\uDE00\\\/\b\f\r\t")",
      "123.456e-7",
  };
  const std::string alphabet = "{}[]\":,.-+eE0123456789tfnul \\/bfnrt\t\n\x01\x7F\xC3\xA9\xF0\x9F";
  std::mt19937 random(20261129);
  int compared = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string text = seeds[random() % seeds.size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = random() % text.size();
      switch (random() % 4) {
        case 0:
          text[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          text.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
        case 2:
          text.erase(at, 1);
          break;
        default:
          text.resize(at);
      }
    }
    if (text.find('\0') != std::string::npos) continue;
    ++compared;
    ASSERT_EQ(is_valid_json(text), nlohmann::json::accept(text)) << text;
  }
  EXPECT_GT(compared, 190000);
}

}  // namespace
}  // namespace roomkeys
