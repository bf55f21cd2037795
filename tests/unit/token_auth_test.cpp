#include "server/token_auth.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace roomkeys::server {
namespace {

// The user id, or the errcode of the failure.
std::string who(TokenAuth& auth, std::optional<std::string_view> header) {
  const AuthResult result = auth.authenticate({header, std::nullopt});
  return result.ok() ? result.user_id : result.errcode;
}

TEST(TokenAuth, MapsBearerTokensToUsers) {
  TokenAuth auth;
  auth.add("secret", "@alice:x");
  EXPECT_EQ(who(auth, "Bearer secret"), "@alice:x");
  EXPECT_EQ(who(auth, "bearer secret"), "@alice:x");
  EXPECT_EQ(who(auth, "Bearer other"), "M_UNKNOWN_TOKEN");
  EXPECT_EQ(who(auth, std::nullopt), "M_MISSING_TOKEN");
  EXPECT_EQ(who(auth, "Basic abc"), "M_MISSING_TOKEN");
  EXPECT_EQ(who(auth, "Bearer  "), "M_MISSING_TOKEN");
}

TEST(TokenAuth, ReadsTokensFiles) {
  char path[] = "/tmp/roomkeys-tokens-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "# comment\n\ntok1 @a:x\n  tok2   @b:x  # trailing\n";
  TokenAuth auth;
  EXPECT_EQ(auth.load_file(path), "");
  EXPECT_EQ(who(auth, "Bearer tok2"), "@b:x");
  std::ofstream(path) << "lonely\n";
  EXPECT_NE(auth.load_file(path), "");
  EXPECT_NE(auth.load_file("/nonexistent/file"), "");
  unlink(path);
}

TEST(TokenAuth, RandomTokensDiffer) {
  EXPECT_EQ(random_token().size(), 64u);
  EXPECT_NE(random_token(), random_token());
}

}  // namespace
}  // namespace roomkeys::server
