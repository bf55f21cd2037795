#include "server/token_auth.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace roomkeys::server {
namespace {

using Outcome = TokenAuth::Outcome;

TEST(TokenAuth, MapsBearerTokensToUsers) {
  TokenAuth auth;
  auth.add("secret", "@alice:x");
  std::string user;
  EXPECT_EQ(auth.authenticate("Bearer secret", user), Outcome::kOk);
  EXPECT_EQ(user, "@alice:x");
  EXPECT_EQ(auth.authenticate("bearer secret", user), Outcome::kOk);
  EXPECT_EQ(auth.authenticate("Bearer other", user), Outcome::kUnknownToken);
  EXPECT_EQ(auth.authenticate(std::nullopt, user), Outcome::kMissingToken);
  EXPECT_EQ(auth.authenticate("Basic abc", user), Outcome::kMissingToken);
}

TEST(TokenAuth, ReadsTokensFiles) {
  char path[] = "/tmp/roomkeys-tokens-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "# comment\n\ntok1 @a:x\n  tok2   @b:x  # trailing\n";
  TokenAuth auth;
  EXPECT_EQ(auth.load_file(path), "");
  std::string user;
  EXPECT_EQ(auth.authenticate("Bearer tok2", user), Outcome::kOk);
  EXPECT_EQ(user, "@b:x");
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
