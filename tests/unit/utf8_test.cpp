#include "common/utf8.h"

#include <gtest/gtest.h>

namespace roomkeys {
namespace {

TEST(Utf8, AcceptsAsciiAndMultiByteCharacters) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("!room:example.org"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));           // 2 bytes
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));          // 3 bytes
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x94\x91 key"));  // 4 bytes (U+1F511)
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("ok\xE2\x82"));  // truncated at the end
}

}  // namespace
}  // namespace roomkeys
