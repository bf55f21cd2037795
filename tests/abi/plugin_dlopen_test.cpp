// A minimal host, written against the C header only, that dlopens roomkeys.so and drives it
// through its whole lifecycle, as a homeserver would (no Pistache involved).
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <roomkeys/mxm_module.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "storage/temp_dir.h"

namespace roomkeys::testing {
namespace {

// What one request was answered with. Handed to the module as an opaque mxm_responder*.
struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  int calls = 0;
  bool streamed = false;
  bool ended = false;
  // When set, respond_write waits until `release` (to hold a handler in flight).
  std::mutex* gate = nullptr;
};

Answer& answer(mxm_responder* r) { return *reinterpret_cast<Answer*>(r); }

struct TestHost {
  std::map<std::string, std::string> config;
  bool creating = false;
  struct Route {
    mxm_method method;
    std::string path;
    mxm_handler_fn handler;
    void* data;
  };
  std::vector<Route> routes;
  std::vector<mxm_storage> storages;
  std::vector<std::string> logs;
  std::mutex log_mutex;
  mxm_host_api api{};

  TestHost() {
    api.struct_size = sizeof api;
    api.abi_major = MXM_ABI_MAJOR;
    api.abi_minor = MXM_ABI_MINOR;
    api.host = reinterpret_cast<mxm_host*>(this);
    api.log = [](mxm_host* h, mxm_log_level, mxm_str m) {
      auto& self = *reinterpret_cast<TestHost*>(h);
      std::lock_guard<std::mutex> lock(self.log_mutex);
      self.logs.emplace_back(m.ptr, m.len);
    };
    api.log_enabled = [](mxm_host*, mxm_log_level) -> int32_t { return 1; };
    api.config_get = [](mxm_host* h, mxm_str key, char* buf, size_t len,
                        size_t* out) -> mxm_status {
      auto& config = reinterpret_cast<TestHost*>(h)->config;
      auto it = config.find(std::string(key.ptr, key.len));
      if (it == config.end()) return MXM_E_NOT_FOUND;
      *out = it->second.size();
      if (len < it->second.size()) return MXM_E_TRUNCATED;
      // The ABI hands back bytes and a length, never a NUL terminator.
      // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
      std::memcpy(buf, it->second.data(), it->second.size());
      return MXM_OK;
    };
    api.register_route = [](mxm_host* h, const mxm_route* r) -> mxm_status {
      auto& self = *reinterpret_cast<TestHost*>(h);
      if (!self.creating) return MXM_E_WRONG_PHASE;
      self.routes.push_back({r->method, std::string(r->path_template.ptr, r->path_template.len),
                             r->handler, r->handler_data});
      return MXM_OK;
    };
    api.register_storage = [](mxm_host* h, const mxm_storage* s) -> mxm_status {
      reinterpret_cast<TestHost*>(h)->storages.push_back(*s);
      return MXM_OK;
    };
    api.respond = [](mxm_responder* r, uint16_t status, mxm_str type, mxm_str body) -> mxm_status {
      Answer& a = answer(r);
      ++a.calls;
      a.status = status;
      a.content_type.assign(type.ptr, type.len);
      a.body.assign(body.ptr, body.len);
      return MXM_OK;
    };
    api.respond_begin = [](mxm_responder* r, uint16_t status, mxm_str type) -> mxm_status {
      Answer& a = answer(r);
      ++a.calls;
      a.status = status;
      a.streamed = true;
      a.content_type.assign(type.ptr, type.len);
      return MXM_OK;
    };
    api.respond_write = [](mxm_responder* r, mxm_str chunk) -> mxm_status {
      Answer& a = answer(r);
      if (a.gate) std::lock_guard<std::mutex> wait(*a.gate);
      a.body.append(chunk.ptr, chunk.len);
      return MXM_OK;
    };
    api.respond_end = [](mxm_responder* r) -> mxm_status {
      answer(r).ended = true;
      return MXM_OK;
    };
  }

  const Route* find(mxm_method method, const std::string& path) const {
    for (const Route& r : routes) {
      if (r.method == method && r.path == path) return &r;
    }
    return nullptr;
  }
};

class PluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    library_ = dlopen(ROOMKEYS_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    auto entry = reinterpret_cast<mxm_entry_fn>(dlsym(library_, MXM_ENTRY_SYMBOL));
    ASSERT_NE(entry, nullptr);
    desc_ = entry(MXM_ABI_MAJOR, MXM_ABI_MINOR);
    ASSERT_NE(desc_, nullptr);
    host_.config["database"] = "sqlite:" + dir_.file("plugin.db");
  }
  void TearDown() override {
    if (module_) {
      desc_->stop(module_);
      desc_->destroy(module_);
    }
    dlclose(library_);
  }

  mxm_status create(mxm_error& err) {
    host_.creating = true;
    const mxm_status s = desc_->create(&host_.api, &module_, &err);
    host_.creating = false;
    if (s != MXM_OK) module_ = nullptr;
    return s;
  }

  void create_and_start() {
    mxm_error err{};
    ASSERT_EQ(create(err), MXM_OK) << err.message;
    ASSERT_EQ(host_.storages.size(), 1u);
    ASSERT_EQ(host_.storages[0].migrate(module_, &err), MXM_OK) << err.message;
    ASSERT_EQ(host_.storages[0].health(module_, &err), MXM_OK) << err.message;
    ASSERT_EQ(desc_->start(module_, &err), MXM_OK) << err.message;
  }

  Answer call(mxm_method method, const std::string& path, const std::string& body = "",
              const std::vector<std::pair<std::string, std::string>>& path_params = {},
              const std::vector<std::pair<std::string, std::string>>& query = {},
              const std::string& user = "@alice:x", std::mutex* gate = nullptr) {
    const TestHost::Route* route = host_.find(method, path);
    EXPECT_NE(route, nullptr) << path;
    std::vector<mxm_kv> params, queries;
    for (auto& [k, v] : path_params) params.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
    for (auto& [k, v] : query) queries.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
    mxm_request req{};
    req.struct_size = sizeof req;
    req.method = method;
    req.path = {path.data(), path.size()};
    req.path_params = params.data();
    req.n_path_params = params.size();
    req.query = queries.data();
    req.n_query = queries.size();
    req.user_id = {user.data(), user.size()};
    req.body = {body.data(), body.size()};
    Answer a;
    a.gate = gate;
    if (route) route->handler(route->data, &req, reinterpret_cast<mxm_responder*>(&a));
    return a;
  }

  TempDir dir_;
  TestHost host_;
  void* library_ = nullptr;
  const mxm_module_desc* desc_ = nullptr;
  mxm_module* module_ = nullptr;
};

const std::string kVersion = "/_matrix/client/v3/room_keys/version";
const std::string kKeys = "/_matrix/client/v3/room_keys/keys";
const std::string kRoomKeys = "/_matrix/client/v3/room_keys/keys/{roomId}";

TEST_F(PluginTest, DescriptorAndNegotiation) {
  EXPECT_EQ(desc_->magic, MXM_MODULE_MAGIC);
  EXPECT_EQ(desc_->abi_major, MXM_ABI_MAJOR);
  EXPECT_GE(desc_->struct_size, sizeof(mxm_module_desc));
  EXPECT_EQ(std::string(desc_->name.ptr, desc_->name.len), "room_keys");
  auto entry = reinterpret_cast<mxm_entry_fn>(dlsym(library_, MXM_ENTRY_SYMBOL));
  EXPECT_EQ(entry(MXM_ABI_MAJOR + 1, 0), nullptr);
  EXPECT_EQ(dlsym(library_,
                  "_ZN8roomkeys16KeyBackupServiceC1ERNS_10RepositoryESt6vectorINSt7__"
                  "cxx1112basic_stringIcSt11char_traitsIcESaIcEEESaIS8_EE"),
            nullptr);  // C++ stays inside
}

TEST_F(PluginTest, RegistersEveryRouteUnderEveryPrefix) {
  create_and_start();
  EXPECT_EQ(host_.routes.size(), 14u * 3);
  for (const char* prefix :
       {"/_matrix/client/v3", "/_matrix/client/r0", "/_matrix/client/unstable"}) {
    EXPECT_TRUE(host_.find(MXM_POST, std::string(prefix) + "/room_keys/version"));
    EXPECT_TRUE(
        host_.find(MXM_DELETE, std::string(prefix) + "/room_keys/keys/{roomId}/{sessionId}"));
  }
}

TEST_F(PluginTest, ServesRequestsThroughTheAbi) {
  create_and_start();
  Answer created = call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{"k":1}})");
  EXPECT_EQ(created.status, 200);
  EXPECT_EQ(created.calls, 1);
  EXPECT_EQ(created.content_type, "application/json");
  EXPECT_EQ(created.body, R"({"version":"1"})");
  Answer put = call(
      MXM_PUT, kRoomKeys,
      R"({"sessions":{"s":{"first_message_index":0,"forwarded_count":0,"is_verified":true,"session_data":"x"}}})",
      {{"roomId", "!r:x"}}, {{"version", "1"}});
  EXPECT_EQ(put.status, 200) << put.body;
  Answer all = call(MXM_GET, kKeys, "", {}, {{"version", "1"}});
  EXPECT_TRUE(all.streamed);
  EXPECT_TRUE(all.ended);
  EXPECT_EQ(nlohmann::json::parse(all.body)["rooms"]["!r:x"]["sessions"]["s"]["session_data"], "x");
  Answer other_user = call(MXM_GET, kVersion, "", {}, {}, "@bob:x");
  EXPECT_EQ(other_user.status, 404);
}

TEST_F(PluginTest, ARequestWithoutAUserIsRefused) {
  create_and_start();
  EXPECT_EQ(call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{}})").status, 200);
  for (const mxm_method method : {MXM_GET, MXM_POST}) {
    Answer anonymous = call(method, kVersion, R"({"algorithm":"a","auth_data":{}})", {}, {}, "");
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(nlohmann::json::parse(anonymous.body)["errcode"], "M_MISSING_TOKEN");
  }
  EXPECT_EQ(nlohmann::json::parse(call(MXM_GET, kVersion).body)["version"], "1");
}

TEST_F(PluginTest, OperatorPurges) {
  create_and_start();
  const std::string key =
      R"({"sessions":{"s":{"first_message_index":0,"forwarded_count":0,"is_verified":true,"session_data":"x"}}})";
  for (const char* user : {"@alice:x", "@bob:x"}) {
    call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{}})", {}, {}, user);
    call(MXM_PUT, kRoomKeys, key, {{"roomId", "!gone:x"}}, {{"version", "1"}}, user);
    call(MXM_PUT, kRoomKeys, key, {{"roomId", "!kept:x"}}, {{"version", "1"}}, user);
  }
  const auto before = nlohmann::json::parse(call(MXM_GET, kVersion, "", {}, {}, "@bob:x").body);
  mxm_error err{};
  const std::string room = "!gone:x", user = "@alice:x";
  ASSERT_EQ(desc_->purge_room(module_, {room.data(), room.size()}, &err), MXM_OK) << err.message;
  const auto after = nlohmann::json::parse(call(MXM_GET, kVersion, "", {}, {}, "@bob:x").body);
  EXPECT_EQ(after["count"], 1);
  EXPECT_NE(after["etag"], before["etag"]);
  ASSERT_EQ(desc_->purge_user(module_, {user.data(), user.size()}, &err), MXM_OK) << err.message;
  EXPECT_EQ(call(MXM_GET, kVersion).status, 404);
  EXPECT_EQ(nlohmann::json::parse(
                call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{}})").body)["version"],
            "2");  // ids are never reused
  EXPECT_EQ(desc_->purge_user(module_, {nullptr, 0}, &err), MXM_E_INVALID_ARG);
}

// ABI 1.1, as a new host sees it: the module's metrics and an operator's view of a user.
TEST_F(PluginTest, MetricsAndUserStatsOfMinor1) {
  ASSERT_GE(desc_->abi_minor, 1);
  ASSERT_TRUE(MXM_HAS(desc_, mxm_module_desc, user_stats));
  create_and_start();
  const std::string key =
      R"({"sessions":{"s":{"first_message_index":0,"forwarded_count":0,"is_verified":true,"session_data":"xyz"}}})";
  call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{"secret":"pk"}})");
  call(MXM_PUT, kRoomKeys, key, {{"roomId", "!r:x"}}, {{"version", "1"}});

  std::map<std::string, mxm_metric> metrics;
  std::map<std::string, std::vector<uint64_t>> buckets;
  ASSERT_EQ(desc_->collect_metrics(
                module_,
                [](void* ctx, const mxm_metric* m) {
                  auto& self = *static_cast<std::map<std::string, mxm_metric>*>(ctx);
                  self[std::string(m->name.ptr, m->name.len)] = *m;
                },
                &metrics),
            MXM_OK);
  for (const char* name : {"roomkeys_db_retries_total", "roomkeys_db_reconnects_total",
                           "roomkeys_db_write_group_size", "roomkeys_db_connection_wait_seconds"}) {
    EXPECT_EQ(metrics.count(name), 1u) << name;
  }
  EXPECT_EQ(metrics["roomkeys_db_retries_total"].type, MXM_METRIC_COUNTER);
  const mxm_metric& groups = metrics["roomkeys_db_write_group_size"];
  EXPECT_EQ(groups.type, MXM_METRIC_HISTOGRAM);
  EXPECT_EQ(groups.count, 2u);  // two writes, one group each
  EXPECT_GT(metrics["roomkeys_db_connection_wait_seconds"].count, 0u);

  std::string json;
  mxm_error err{};
  const std::string user = "@alice:x";
  const auto keep = [](void* ctx, mxm_str bytes) {
    static_cast<std::string*>(ctx)->assign(bytes.ptr, bytes.len);
  };
  ASSERT_EQ(desc_->user_stats(module_, {user.data(), user.size()}, keep, &json, &err), MXM_OK)
      << err.message;
  const auto stats = nlohmann::json::parse(json);
  EXPECT_EQ(stats["keys"], 1);
  EXPECT_EQ(stats["bytes"], 5);  // "xyz" with its quotes
  EXPECT_EQ(stats["versions"][0]["algorithm"], "a");
  EXPECT_EQ(json.find("secret"), std::string::npos);  // no auth_data
  ASSERT_EQ(desc_->user_stats(module_, {nullptr, 0}, keep, &json, &err), MXM_OK);
  EXPECT_EQ(nlohmann::json::parse(json)["users"], 1);
}

// An old host (ABI 1.0) knows nothing of 1.1: it negotiates 1.0, hands over a 1.0-sized table
// and reads only 1.0 fields. The module serves it all the same.
TEST_F(PluginTest, AHostOfMinor0IsServed) {
  auto entry = reinterpret_cast<mxm_entry_fn>(dlsym(library_, MXM_ENTRY_SYMBOL));
  desc_ = entry(MXM_ABI_MAJOR, 0);
  ASSERT_NE(desc_, nullptr);
  host_.api.abi_minor = 0;
  host_.api.struct_size = offsetof(mxm_host_api, respond_end) + sizeof(host_.api.respond_end);
  create_and_start();
  EXPECT_EQ(call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{}})").status, 200);
  EXPECT_EQ(call(MXM_GET, kVersion).status, 200);
}

TEST_F(PluginTest, RegistrationOutsideCreateIsRefusedByTheHost) {
  create_and_start();
  mxm_route route{};
  route.struct_size = sizeof route;
  EXPECT_EQ(host_.api.register_route(host_.api.host, &route), MXM_E_WRONG_PHASE);
}

TEST_F(PluginTest, MigrateTwiceIsANoOp) {
  create_and_start();
  mxm_error err{};
  EXPECT_EQ(host_.storages[0].migrate(module_, &err), MXM_OK);
  EXPECT_EQ(host_.storages[0].schema_version, 2u);
}

TEST_F(PluginTest, BadConfigurationFailsCreateWithAMessage) {
  host_.config["pool_size"] = "lots";
  mxm_error err{};
  EXPECT_EQ(create(err), MXM_E_CONFIG);
  EXPECT_NE(std::string(err.message).find("pool_size"), std::string::npos);
  host_.config["pool_size"] = "2";
  host_.config["database"] = "mongodb://nope";
  EXPECT_EQ(create(err), MXM_E_CONFIG);
  host_.config["database"] = "sqlite:/nonexistent-dir/x.db";
  EXPECT_EQ(create(err), MXM_E_STORAGE);
  EXPECT_NE(std::string(err.message).find("database"), std::string::npos);
  EXPECT_TRUE(host_.routes.empty());
}

TEST_F(PluginTest, LongConfigValuesAreReadWhole) {
  const std::string long_dir = dir_.path() + "/" + std::string(200, 'd');
  ASSERT_EQ(system(("mkdir -p '" + long_dir + "'").c_str()), 0);
  host_.config["database"] = "sqlite:" + long_dir + "/" + std::string(100, 'f') + ".db";
  create_and_start();
  EXPECT_EQ(call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{}})").status, 200);
}

TEST_F(PluginTest, RefusesAHostOfAnotherMajorOrATooSmallTable) {
  mxm_error err{};
  host_.api.abi_major = MXM_ABI_MAJOR + 1;
  EXPECT_EQ(create(err), MXM_E_VERSION);
  host_.api.abi_major = MXM_ABI_MAJOR;
  host_.api.struct_size = offsetof(mxm_host_api, respond);
  EXPECT_EQ(create(err), MXM_E_INVALID_ARG);
}

TEST_F(PluginTest, OldHostRequestStructIsAnsweredNotRead) {
  create_and_start();
  mxm_request req{};
  req.struct_size = 8;  // far older than any real request layout
  Answer a;
  host_.find(MXM_GET, kVersion)
      ->handler(host_.find(MXM_GET, kVersion)->data, &req, reinterpret_cast<mxm_responder*>(&a));
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.calls, 1);
}

TEST_F(PluginTest, StopWaitsForHandlersInFlightThenRefusesNewOnes) {
  create_and_start();
  call(MXM_POST, kVersion, R"({"algorithm":"a","auth_data":{}})");
  call(
      MXM_PUT, kRoomKeys,
      R"({"sessions":{"s":{"first_message_index":0,"forwarded_count":0,"is_verified":true,"session_data":"x"}}})",
      {{"roomId", "!r:x"}}, {{"version", "1"}});
  std::mutex gate;
  gate.lock();  // the streaming GET blocks in respond_write until released
  std::thread reader([&] {
    Answer a = call(MXM_GET, kKeys, "", {}, {{"version", "1"}}, "@alice:x", &gate);
    EXPECT_TRUE(a.ended);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    desc_->stop(module_);
    stopped = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(stopped);  // the reader is still in flight
  gate.unlock();
  reader.join();
  stopper.join();
  EXPECT_TRUE(stopped);
  EXPECT_EQ(call(MXM_GET, kVersion).status, 503);
  desc_->destroy(module_);
  module_ = nullptr;
}

}  // namespace
}  // namespace roomkeys::testing
