// roomkeys-server's command line and lifecycle, as an operator uses them.
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "e2e/e2e_fixture.h"

namespace roomkeys::testing {
namespace {

TEST(ServerCli, HelpAndVersion) {
  auto help = run_server({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag :
       {"--listen", "--database", "--token", "--tokens-file", "--module", "--max-body-bytes"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  auto version = run_server({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("roomkeys-server"), std::string::npos);
}

TEST(ServerCli, BadFlagsExitNonZeroWithAMessage) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--bogus"}, {"--listen", "nowhere"}, {"--max-body-bytes", "lots"}}) {
    auto result = run_server(args);
    EXPECT_EQ(result.exit_code, 2) << args[0];
    EXPECT_NE(result.err.find(args[0]), std::string::npos) << result.err;
  }
}

TEST(ServerCli, UnusableDatabaseOrModuleExitNonZero) {
  auto database = run_server({"--database", "sqlite:/nonexistent-dir/x.db", "--token", "t=@a:x",
                              "--listen", "127.0.0.1:0"});
  EXPECT_NE(database.exit_code, 0);
  EXPECT_NE(database.err.find("database"), std::string::npos) << database.err;
  auto url = run_server({"--database", "oracle://x", "--token", "t=@a:x"});
  EXPECT_NE(url.exit_code, 0);
  auto module = run_server({"--module", "/nonexistent/roomkeys.so", "--token", "t=@a:x"});
  EXPECT_NE(module.exit_code, 0);
  EXPECT_NE(module.err.find("module"), std::string::npos) << module.err;
}

TEST(ServerCli, StopsCleanlyOnSigtermAndSigint) {
  TempDir dir;
  for (int signal_number : {SIGTERM, SIGINT}) {
    ServerProcess server({"--database", "sqlite:" + dir.file("k.db"), "--token", "t=@a:x"});
    EXPECT_EQ(server.stop(signal_number), 0);
  }
}

TEST(ServerCli, DataSurvivesARestartOnTheSameFile) {
  TempDir dir;
  const std::vector<std::string> args = {"--database", "sqlite:" + dir.file("k.db"), "--token",
                                         "t=@a:x"};
  {
    ServerProcess server(args);
    HttpClient client(server.base_url());
    client.request("POST", kV3 + "/room_keys/version", R"({"algorithm":"a","auth_data":{}})", "t");
    client.request(
        "PUT", kV3 + "/room_keys/keys/!r:x/s?version=1",
        R"({"first_message_index":0,"forwarded_count":0,"is_verified":true,"session_data":"kept"})",
        "t");
  }
  ServerProcess server(args);
  HttpClient client(server.base_url());
  auto r = client.request("GET", kV3 + "/room_keys/keys/!r:x/s?version=1", "", "t");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["session_data"], "kept");
}

TEST(ServerCli, ConfigFile) {
  TempDir dir;
  std::ofstream(dir.file("roomkeys-server.conf"))
      << "# as packaged in /etc/roomkeys\n"
      << "database = sqlite:" << dir.file("k.db") << "\n"
      << "token = conf-token=@conf:x\n"
      << "max-body-bytes = 100\n";
  ServerProcess server({"--config", dir.file("roomkeys-server.conf")});
  HttpClient client(server.base_url());
  EXPECT_EQ(client.request("GET", kV3 + "/room_keys/version", "", "conf-token").status, 404);
  EXPECT_EQ(client.request("POST", kV3 + "/room_keys/version", std::string(200, ' '), "conf-token")
                .status,
            413);
}

TEST(ServerCli, ExplicitModulePath) {
  TempDir dir;
  const std::string module =
      (std::filesystem::path(ROOMKEYS_SERVER_PATH).parent_path() / "roomkeys.so").string();
  ServerProcess server(
      {"--module", module, "--database", "sqlite:" + dir.file("k.db"), "--token", "t=@a:x"});
  HttpClient client(server.base_url());
  EXPECT_EQ(client.request("GET", kV3 + "/room_keys/version", "", "t").status, 404);
}

}  // namespace
}  // namespace roomkeys::testing
