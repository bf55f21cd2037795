#include "server/options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <vector>

namespace roomkeys::server {
namespace {

ParsedOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "roomkeys-server");
  return parse_options(static_cast<int>(args.size()), const_cast<char**>(args.data()));
}

TEST(Options, Defaults) {
  auto parsed = parse({});
  ASSERT_TRUE(parsed.options);
  EXPECT_EQ(parsed.options->listen_host, "127.0.0.1");
  EXPECT_EQ(parsed.options->listen_port, 8008);
  EXPECT_EQ(parsed.options->database, "sqlite:roomkeys.db");
  EXPECT_EQ(parsed.options->max_body_bytes, 16u * 1024 * 1024);
}

TEST(Options, ReadsEveryFlag) {
  auto parsed =
      parse({"--listen", "0.0.0.0:0", "--database=sqlite:/tmp/x.db", "--token", "abc=@a:x",
             "--token", "def=@b:x", "--tokens-file", "t.txt", "--module", "/m.so",
             "--max-body-bytes", "1024", "--threads", "8", "--log-level", "debug"});
  ASSERT_TRUE(parsed.options) << parsed.error;
  const Options& o = *parsed.options;
  EXPECT_EQ(o.listen_host, "0.0.0.0");
  EXPECT_EQ(o.listen_port, 0);
  EXPECT_EQ(o.database, "sqlite:/tmp/x.db");
  EXPECT_EQ(o.tokens.at("abc"), "@a:x");
  EXPECT_EQ(o.tokens.at("def"), "@b:x");
  EXPECT_EQ(o.tokens_files.at(0), "t.txt");
  EXPECT_EQ(o.module_path, "/m.so");
  EXPECT_EQ(o.max_body_bytes, 1024u);
  EXPECT_EQ(o.threads, 8);
}

TEST(Options, CompanionFlags) {
  auto parsed =
      parse({"--homeserver", "https://hs.example.org", "--homeserver-ca", "/ca.pem",
             "--homeserver-timeout", "2.5", "--auth-cache-seconds", "0", "--auth-cache-entries",
             "500", "--auth-max-concurrent", "4", "--auth-max-rate", "20", "--admin-tokens-file",
             "/admin", "--metrics-listen", "127.0.0.1:9100"});
  ASSERT_TRUE(parsed.options) << parsed.error;
  const Options& o = *parsed.options;
  EXPECT_EQ(o.homeserver, "https://hs.example.org");
  EXPECT_EQ(o.homeserver_ca, "/ca.pem");
  EXPECT_EQ(o.homeserver_timeout, 2.5);
  EXPECT_EQ(o.auth_cache_seconds, 0);
  EXPECT_EQ(o.auth_cache_entries, 500u);
  EXPECT_EQ(o.auth_max_concurrent, 4u);
  EXPECT_EQ(o.auth_max_rate, 20);
  EXPECT_EQ(o.admin_tokens_file, "/admin");
  EXPECT_EQ(o.metrics_listen, "127.0.0.1:9100");

  const Options defaults = *parse({}).options;
  EXPECT_EQ(defaults.auth_cache_seconds, 60);
  EXPECT_EQ(defaults.homeserver_timeout, 5);
  EXPECT_TRUE(defaults.homeserver.empty());
  EXPECT_TRUE(defaults.admin_tokens_file.empty());
  EXPECT_TRUE(defaults.metrics_listen.empty());

  for (const std::vector<const char*>& bad :
       std::vector<std::vector<const char*>>{{"--homeserver", "hs.example.org"},
                                             {"--homeserver", "ftp://x"},
                                             {"--homeserver-timeout", "0"},
                                             {"--homeserver-timeout", "600"},
                                             {"--auth-cache-seconds", "-1"},
                                             {"--auth-max-concurrent", "0"},
                                             {"--metrics-listen", "9100"},
                                             {"--homeserver", "http://x", "--token", "t=@a:x"}}) {
    EXPECT_FALSE(parse(bad).options) << bad[0] << " " << bad[1];
  }
}

TEST(Options, ConnectionFlags) {
  auto parsed = parse({"--max-connections", "10", "--max-request-line", "1024",
                       "--max-header-bytes", "4096", "--max-headers", "20", "--header-timeout",
                       "2.5", "--body-timeout", "3", "--idle-timeout", "4", "--send-timeout", "5"});
  ASSERT_TRUE(parsed.options) << parsed.error;
  const Options& o = *parsed.options;
  EXPECT_EQ(o.max_connections, 10u);
  EXPECT_EQ(o.max_request_line, 1024u);
  EXPECT_EQ(o.max_header_bytes, 4096u);
  EXPECT_EQ(o.max_headers, 20u);
  EXPECT_EQ(o.header_timeout, 2.5);
  EXPECT_EQ(o.body_timeout, 3);
  EXPECT_EQ(o.idle_timeout, 4);
  EXPECT_EQ(o.send_timeout, 5);
  const Options defaults = *parse({}).options;
  EXPECT_EQ(defaults.max_connections, 4096u);
  EXPECT_EQ(defaults.header_timeout, 10);
  EXPECT_EQ(defaults.idle_timeout, 30);
  for (const std::vector<const char*>& bad : {std::vector<const char*>{"--max-connections", "0"},
                                              {"--header-timeout", "0"},
                                              {"--body-timeout", "-1"},
                                              {"--max-headers", "x"},
                                              {"--max-request-line", "10"}}) {
    EXPECT_FALSE(parse(bad).options) << bad[0] << " " << bad[1];
  }
}

TEST(Options, Ipv6Listen) {
  auto parsed = parse({"--listen", "[::1]:9000"});
  ASSERT_TRUE(parsed.options);
  EXPECT_EQ(parsed.options->listen_host, "::1");
  EXPECT_EQ(parsed.options->listen_port, 9000);
}

TEST(Options, RejectsBadInput) {
  for (auto args : std::vector<std::vector<const char*>>{{"--listen", "nope"},
                                                         {"--listen", "h:70000"},
                                                         {"--token", "no-user"},
                                                         {"--max-body-bytes", "-1"},
                                                         {"--threads", "0"},
                                                         {"--bogus"},
                                                         {"--database"}}) {
    auto parsed = parse(args);
    EXPECT_FALSE(parsed.options) << args[0];
    EXPECT_FALSE(parsed.error.empty());
  }
}

}  // namespace
}  // namespace roomkeys::server

namespace roomkeys::server {
namespace {

TEST(Options, ConfigFileThenFlagsOverride) {
  char path[] = "/tmp/roomkeys-config-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text =
      "# roomkeys-server settings\n"
      "listen = 0.0.0.0:9000\n"
      "database = sqlite:/var/lib/roomkeys/roomkeys.db\n"
      "token = a=@a:x\n"
      "\n"
      "   max-body-bytes =   2048  \n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  auto parsed = parse({"--token", "b=@b:x", "--config", path, "--listen", "127.0.0.1:1"});
  ASSERT_TRUE(parsed.options) << parsed.error;
  EXPECT_EQ(parsed.options->listen_port, 1);  // the flag wins
  EXPECT_EQ(parsed.options->database, "sqlite:/var/lib/roomkeys/roomkeys.db");
  EXPECT_EQ(parsed.options->max_body_bytes, 2048u);
  EXPECT_EQ(parsed.options->tokens.size(), 2u);  // repeated settings add up
  unlink(path);
}

TEST(Options, BadConfigFiles) {
  EXPECT_FALSE(parse({"--config", "/nonexistent.conf"}).options);
  char path[] = "/tmp/roomkeys-config-XXXXXX";
  const int fd = mkstemp(path);
  const std::string text = "just words\n";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  auto parsed = parse({"--config", path});
  EXPECT_FALSE(parsed.options);
  EXPECT_NE(parsed.error.find(":1:"), std::string::npos) << parsed.error;
  unlink(path);
  EXPECT_FALSE(parse({"--config"}).options);
}

}  // namespace
}  // namespace roomkeys::server
