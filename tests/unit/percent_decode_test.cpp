#include "common/percent_decode.h"

#include <gtest/gtest.h>

namespace roomkeys {
namespace {

TEST(PercentDecode, DecodesEscapesOnce) {
  EXPECT_EQ(percent_decode("%21room%3Aexample.org"), "!room:example.org");
  EXPECT_EQ(percent_decode("a%2Fb"), "a/b");
  EXPECT_EQ(percent_decode("%252F"), "%2F");  // no double decoding
  EXPECT_EQ(percent_decode("%f0%9f%94%91"), "\xF0\x9F\x94\x91");
}

TEST(PercentDecode, KeepsPlusAndRawCharacters) {
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("%2B"), "+");
  EXPECT_EQ(percent_decode("!r:x=y"), "!r:x=y");
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, RejectsMalformedEscapesAndInvalidUtf8) {
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%2"));
  EXPECT_FALSE(percent_decode("abc%"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_FALSE(percent_decode("%FF"));
  EXPECT_FALSE(percent_decode("%C0%AF"));
}

}  // namespace
}  // namespace roomkeys
