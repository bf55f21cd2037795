// BEHAVIOUR.md "Errors and limits": a full disk, a read-only filesystem and a deleted database
// file, for real: each test mounts a small tmpfs of its own (this needs root, as the test command
// runs) and puts roomkeys-server's SQLite database on it.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "e2e/http_client.h"
#include "e2e/server_process.h"
#include "storage/temp_dir.h"

namespace roomkeys::testing {
namespace {

const std::string kToken = "disk-token";
const std::string kV3 = "/_matrix/client/v3";

// A tmpfs of `bytes`, mounted on a fresh directory for the life of the object.
class SmallDisk {
 public:
  explicit SmallDisk(size_t bytes) {
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::string("cannot mount a tmpfs (the test command runs as root): ") +
               std::strerror(errno);
    }
  }
  ~SmallDisk() {
    if (error_.empty()) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }
  std::string file(const std::string& name) const { return dir_.file(name); }
  size_t available() const {
    struct statvfs fs {};
    statvfs(dir_.path().c_str(), &fs);
    return static_cast<size_t>(fs.f_bavail) * fs.f_frsize;
  }
  bool set_read_only(bool read_only) {
    const unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    return ::mount("tmpfs", dir_.path().c_str(), "tmpfs", flags, nullptr) == 0;
  }

 private:
  TempDir dir_;
  std::string error_;
};

class StorageFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(disk_.error(), "");
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--database", "sqlite:" + disk_.file("roomkeys.db"), "--token",
                                 kToken + "=@disk:example.org", "--sqlite-mmap-mb", "0"});
    client_ = std::make_unique<HttpClient>(server_->base_url());
    auto created = call("POST", "/room_keys/version",
                        R"({"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2",)"
                        R"("auth_data":{"public_key":"k"}})");
    ASSERT_EQ(created.status, 200) << created.body;
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "") {
    return client_->request(method, kV3 + path, body, kToken);
  }

  // 20 keys of incompressible session data, in a room of their own.
  std::string batch(int number) {
    std::string sessions;
    for (int i = 0; i < 20; ++i) {
      std::string ciphertext;
      for (int c = 0; c < 1000; ++c)
        ciphertext += "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"[random_() % 32];
      if (i > 0) sessions += ",";
      sessions += "\"s" + std::to_string(i) +
                  R"(":{"first_message_index":0,"forwarded_count":0,"is_verified":false,)"
                  R"("session_data":{"ciphertext":")" +
                  ciphertext + "\"}}";
    }
    return R"({"rooms":{"!room)" + std::to_string(number) + R"(:x":{"sessions":{)" + sessions +
           "}}}}";
  }
  HttpResponse upload(const std::string& body) {
    return call("PUT", "/room_keys/keys?version=1", body);
  }
  int count() { return call("GET", "/room_keys/version").json()["count"].get<int>(); }
  size_t keys_read_back() {
    auto all = call("GET", "/room_keys/keys?version=1");
    EXPECT_EQ(all.status, 200) << all.body;
    size_t keys = 0;
    const nlohmann::json rooms = all.json().at("rooms");
    for (auto room = rooms.begin(); room != rooms.end(); ++room) {
      keys += room->at("sessions").size();
    }
    return keys;
  }
  static void expect_unavailable(const HttpResponse& r, const std::string& words) {
    EXPECT_EQ(r.status, 503) << r.body;
    ASSERT_TRUE(nlohmann::json::accept(r.body)) << r.body;
    EXPECT_EQ(r.json()["errcode"], "M_UNKNOWN");
    EXPECT_NE(r.json()["error"].get<std::string>().find(words), std::string::npos) << r.body;
  }

  SmallDisk disk_{8 << 20};
  std::mt19937 random_{42};
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(StorageFailureTest, AFullDiskFailsUploadsClearlyKeepsReadsAndRecoversByItself) {
  // Leave about 400 KB free, then upload until the disk is full.
  const std::string filler = disk_.file("filler");
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(1 << 16, 'x');
    const size_t keep = 400 << 10;
    for (size_t left = disk_.available(); left > keep + block.size(); left -= block.size()) {
      out << block;
    }
  }
  int stored_batches = 0;
  HttpResponse refused;
  std::string refused_body;
  for (int i = 0; i < 200; ++i) {
    refused_body = batch(i);
    refused = upload(refused_body);
    if (refused.status != 200) break;
    ++stored_batches;
  }
  expect_unavailable(refused, "storage is full");
  ASSERT_GT(stored_batches, 0);
  // Nothing half-written, everything acknowledged readable.
  EXPECT_EQ(count(), 20 * stored_batches);
  EXPECT_EQ(keys_read_back(), static_cast<size_t>(20 * stored_batches));
  expect_unavailable(upload(refused_body), "storage is full");  // still full: still refused

  ASSERT_EQ(::unlink(filler.c_str()), 0);
  auto resumed = upload(refused_body);
  EXPECT_EQ(resumed.status, 200) << resumed.body;  // no restart needed
  EXPECT_EQ(count(), 20 * (stored_batches + 1));
  EXPECT_EQ(keys_read_back(), static_cast<size_t>(20 * (stored_batches + 1)));
}

TEST_F(StorageFailureTest, OnAReadOnlyFilesystemTheServerSaysSoAndStartsOnceItIsWritable) {
  ASSERT_EQ(upload(batch(0)).status, 200);
  ASSERT_EQ(server_->stop(), 0);
  // (A filesystem with a file open for writing cannot become read-only, so the server stops.)
  ASSERT_TRUE(disk_.set_read_only(true));
  const RunResult refused =
      run_server({"--listen", "127.0.0.1:0", "--database", "sqlite:" + disk_.file("roomkeys.db"),
                  "--token", kToken + "=@disk:example.org"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_LT(refused.exit_code, 128) << "killed by a signal";
  EXPECT_NE(refused.err.find("cannot open database"), std::string::npos) << refused.err;

  ASSERT_TRUE(disk_.set_read_only(false));
  server_ = std::make_unique<ServerProcess>(
      std::vector<std::string>{"--database", "sqlite:" + disk_.file("roomkeys.db"), "--token",
                               kToken + "=@disk:example.org"});
  client_ = std::make_unique<HttpClient>(server_->base_url());
  EXPECT_EQ(count(), 20);
  EXPECT_EQ(upload(batch(1)).status, 200);
  EXPECT_EQ(count(), 40);
}

TEST_F(StorageFailureTest, ADeletedDatabaseFileRefusesWritesRatherThanLoseThem) {
  ASSERT_EQ(upload(batch(0)).status, 200);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    ::unlink(disk_.file(std::string("roomkeys.db") + suffix).c_str());
  }
  expect_unavailable(upload(batch(1)), "unavailable");
  EXPECT_NE(server_->stderr_text().find("deleted or replaced"), std::string::npos);
  // The server is still there and says so for every write.
  expect_unavailable(upload(batch(2)), "unavailable");
  EXPECT_EQ(server_->stop(), 0);
}

}  // namespace
}  // namespace roomkeys::testing
