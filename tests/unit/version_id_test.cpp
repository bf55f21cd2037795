#include "core/version_id.h"

#include <gtest/gtest.h>

namespace roomkeys {
namespace {

TEST(VersionId, ParsesCanonicalDecimalIds) {
  EXPECT_EQ(parse_version_id("1"), 1);
  EXPECT_EQ(parse_version_id("42"), 42);
  EXPECT_EQ(parse_version_id("999999999999999999"), 999999999999999999);
}

TEST(VersionId, RejectsEverythingElse) {
  for (const char* text :
       {"", "0", "01", "+1", "-1", " 1", "1 ", "1.0", "abc", "1e3", "9999999999999999999"}) {
    EXPECT_FALSE(parse_version_id(text)) << text;
  }
}

TEST(VersionId, FormatsAsDecimal) { EXPECT_EQ(format_version_id(17), "17"); }

}  // namespace
}  // namespace roomkeys
