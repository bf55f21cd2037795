// roomkeys-server, the real host, refuses broken modules with a clear message and contains
// modules that misbehave at request time.
#include <gtest/gtest.h>

#include "e2e/http_client.h"
#include "e2e/server_process.h"
#include "storage/temp_dir.h"

namespace roomkeys::testing {
namespace {

void expect_refused(const char* module, const std::string& why) {
  auto result = run_server({"--module", module, "--token", "t=@a:x", "--listen", "127.0.0.1:0"});
  EXPECT_NE(result.exit_code, 0) << module;
  EXPECT_NE(result.err.find(why), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("listening on"), std::string::npos);
}

TEST(ModuleRefusal, WrongMagic) { expect_refused(BROKEN_WRONG_MAGIC_PATH, "bad magic"); }
TEST(ModuleRefusal, WrongMajor) { expect_refused(BROKEN_WRONG_MAJOR_PATH, "ABI major"); }
TEST(ModuleRefusal, EntryReturnsNull) { expect_refused(BROKEN_NULL_ENTRY_PATH, "ABI major"); }
TEST(ModuleRefusal, NoEntrySymbol) { expect_refused(BROKEN_NO_ENTRY_PATH, "mxm_module_entry"); }
TEST(ModuleRefusal, CreateFails) {
  expect_refused(BROKEN_CREATE_FAILS_PATH, "this module always fails to create");
}
TEST(ModuleRefusal, NotASharedObject) { expect_refused("/etc/hostname", "cannot load module"); }

void expect_contained(const char* module) {
  ServerProcess server({"--module", module, "--token", "t=@a:x"});
  HttpClient client(server.base_url());
  for (int i = 0; i < 3; ++i) {  // and again: the server lives on
    auto r = client.request("GET", "/_matrix/client/v3/room_keys/version", "", "t");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.json()["errcode"], "M_UNKNOWN");
    EXPECT_EQ(r.header("content-type"), "application/json");
  }
  EXPECT_EQ(server.stop(), 0);
}

TEST(ModuleContainment, HandlerThatThrowsIsAnswered500) { expect_contained(THROWING_MODULE_PATH); }
TEST(ModuleContainment, HandlerThatNeverAnswersIsAnswered500) {
  expect_contained(BROKEN_SILENT_HANDLER_PATH);
}

// A module of ABI 1.0 in this host: served; its 1.0 purge is offered, what 1.1 added (stats,
// module metrics) is answered as unsupported and never called.
TEST(ModuleMinorVersions, AModuleOfMinor0IsServedWithoutTheNewerCalls) {
  TempDir dir;
  const std::string tokens = dir.file("admin-tokens");
  ASSERT_EQ(std::system(("echo admin-tok > " + tokens).c_str()), 0);
  ServerProcess server({"--module", MINOR0_MODULE_PATH, "--token", "t=@a:x", "--admin-tokens-file",
                        tokens, "--metrics-listen", "127.0.0.1:0"});
  HttpClient client(server.base_url());
  EXPECT_EQ(client.request("GET", "/_matrix/client/v3/room_keys/version", "", "t").status, 200);

  auto stats = client.request("GET", "/_roomkeys/admin/v1/users/%40a%3Ax", "", "admin-tok");
  EXPECT_EQ(stats.status, 501) << stats.body;
  EXPECT_EQ(stats.json()["errcode"], "M_UNRECOGNIZED");
  EXPECT_EQ(client.request("DELETE", "/_roomkeys/admin/v1/users/%40a%3Ax", "", "admin-tok").status,
            200);
  EXPECT_EQ(client.request("GET", "/_matrix/client/v3/room_keys/version", "", "t").status, 410);

  const std::string& out = server.stdout_text();
  const int port = std::stoi(out.substr(out.find("metrics on port ") + 16));
  auto metrics = HttpClient("http://127.0.0.1:" + std::to_string(port)).request("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("roomkeys_http_requests_total"), std::string::npos);
  EXPECT_EQ(metrics.body.find("roomkeys_db_"), std::string::npos);
  EXPECT_EQ(server.stop(), 0);  // never aborted
}

}  // namespace
}  // namespace roomkeys::testing
