// The proxy recipes of packaging/examples, as shipped, in a real nginx and a real Caddy in front
// of roomkeys-server and the homeserver stand-in; and a homeserver reached over TLS.
#include <fstream>

#include "companion/child_process.h"
#include "companion/companion_fixture.h"

namespace roomkeys::testing {
namespace {

const char* const kRoomkeysAddress = "127.0.0.1:8090";    // as written in the recipes
const char* const kHomeserverAddress = "127.0.0.1:8008";  // as written in the recipes

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The recipe with the two addresses pointed at this test's servers.
std::string recipe(const std::string& file, int roomkeys_port, int homeserver_port) {
  std::string text = read_text(std::string(ROOMKEYS_EXAMPLES_DIR) + "/" + file);
  EXPECT_NE(text.find(kRoomkeysAddress), std::string::npos) << file;
  EXPECT_NE(text.find(kHomeserverAddress), std::string::npos) << file;
  text = replace_all(text, kRoomkeysAddress, "127.0.0.1:" + std::to_string(roomkeys_port));
  return replace_all(text, kHomeserverAddress, "127.0.0.1:" + std::to_string(homeserver_port));
}

// nginx in the foreground as one process, everything in `dir`; `server_blocks` go into http{}.
std::unique_ptr<ChildProcess> start_nginx(const TempDir& dir, const std::string& server_blocks) {
  const std::string& d = dir.path();
  std::ofstream(dir.file("nginx.conf"))
      << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << d << "/nginx.pid;\n"
      << "error_log " << d << "/nginx-error.log info;\nevents { worker_connections 256; }\n"
      << "http {\n  access_log off;\n  client_body_temp_path " << d << "/body;\n"
      << "  proxy_temp_path " << d << "/proxy;\n  fastcgi_temp_path " << d << "/fastcgi;\n"
      << "  uwsgi_temp_path " << d << "/uwsgi;\n  scgi_temp_path " << d << "/scgi;\n"
      << server_blocks << "}\n";
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{"nginx", "-e", d + "/nginx-error.log", "-p", d, "-c",
                               dir.file("nginx.conf")},
      std::vector<std::string>{}, dir.file("nginx.out"));
}

class Proxy : public CompanionTest {
 protected:
  void SetUp() override { start_roomkeys(); }

  // Through the proxy: room_keys reach roomkeys with the token's user, the rest the homeserver.
  void check_routing(int proxy_port) {
    HttpClient proxy("http://127.0.0.1:" + std::to_string(proxy_port));
    const std::string alice = homeserver_.login("@alice:hs.test");
    const std::string bob = homeserver_.login("@bob:hs.test");
    auto created = proxy.request("POST", kVersionPath, kCreateBody, alice);
    ASSERT_EQ(created.status, 200) << created.body;
    EXPECT_EQ(created.json().at("version"), "1");
    // Ids with '/', '+' and '=' percent-encoded in the path arrive byte for byte.
    const std::string key = R"({"first_message_index":3,"forwarded_count":0,"is_verified":true,)"
                            R"("session_data":{"ciphertext":"c"}})";
    auto put = proxy.request(
        "PUT", "/_matrix/client/v3/room_keys/keys/%21a%2Fb%3Ahs.test/s%2Bx%2Fy%3D?version=1", key,
        alice);
    ASSERT_EQ(put.status, 200) << put.body;
    for (const char* prefix :
         {"/_matrix/client/v3", "/_matrix/client/r0", "/_matrix/client/unstable"}) {
      auto keys =
          proxy.request("GET", std::string(prefix) + "/room_keys/keys?version=1", "", alice);
      ASSERT_EQ(keys.status, 200) << prefix << " " << keys.body;
      EXPECT_EQ(keys.json()["rooms"]["!a/b:hs.test"]["sessions"]["s+x/y="]["first_message_index"],
                3)
          << keys.body;
    }
    // Bob, through the same proxy, is himself.
    auto bobs = proxy.request("GET", kVersionPath, "", bob);
    EXPECT_EQ(bobs.status, 404) << bobs.body;
    // Everything else is the homeserver's.
    for (const std::string path : {"/_matrix/client/v3/sync", "/_matrix/client/v3/account/whoami",
                                   "/_matrix/client/v3/room_keysX", "/_synapse/admin/v1/users"}) {
      auto r = proxy.request("GET", path, "", alice);
      ASSERT_EQ(r.status, 200) << path << " " << r.body;
      if (path != "/_matrix/client/v3/account/whoami") {
        EXPECT_EQ(r.json().at("served_by"), "homeserver") << path;
      } else {
        EXPECT_EQ(r.json().at("user_id"), "@alice:hs.test");
      }
    }
    // A refused token is refused through the proxy too, with the homeserver's errcode.
    auto refused = proxy.request("GET", kVersionPath, "", "syt_unknown");
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.json().at("errcode"), "M_UNKNOWN_TOKEN");
  }
};

TEST_F(Proxy, NginxRecipeSendsRoomKeysToRoomkeysAndTheRestToTheHomeserver) {
  const int port = free_port();
  auto nginx = start_nginx(
      dir_, "server {\n  listen 127.0.0.1:" + std::to_string(port) + ";\n" +
                recipe("nginx-roomkeys.conf", server_->port(), homeserver_.port()) + "\n}\n");
  ASSERT_TRUE(nginx->wait_for_port(port))
      << read_text(dir_.file("nginx-error.log")) << read_text(dir_.file("nginx.out"));
  check_routing(port);
}

TEST_F(Proxy, CaddyRecipeSendsRoomKeysToRoomkeysAndTheRestToTheHomeserver) {
  const int port = free_port();
  std::string site = recipe("Caddyfile", server_->port(), homeserver_.port());
  site =
      replace_all(site, "matrix.example.org {", "http://127.0.0.1:" + std::to_string(port) + " {");
  std::ofstream(dir_.file("Caddyfile")) << "{\n\tadmin off\n}\n" << site;
  ChildProcess caddy(
      {"caddy", "run", "--adapter", "caddyfile", "--config", dir_.file("Caddyfile")},
      {"HOME=" + dir_.path(), "XDG_DATA_HOME=" + dir_.path(), "XDG_CONFIG_HOME=" + dir_.path()},
      dir_.file("caddy.log"));
  ASSERT_TRUE(caddy.wait_for_port(port)) << read_text(dir_.file("caddy.log"));
  check_routing(port);
}

// The homeserver behind TLS (nginx terminating it, with a certificate of a private CA made
// here): --homeserver-ca makes it trusted; without it, the certificate is refused (503).
TEST_F(Proxy, AnHttpsHomeserverIsCheckedAgainstTheGivenCa) {
  const std::string d = dir_.path();
  const std::string make_certs =
      "cd " + d +
      " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
      "-days 2 -subj /CN=roomkeys-test-ca 2>/dev/null && "
      "openssl req -newkey rsa:2048 -nodes -keyout hs.key -out hs.csr -subj /CN=127.0.0.1 "
      "2>/dev/null && printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
      "openssl x509 -req -in hs.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out hs.pem "
      "-days 2 -extfile san.ext 2>/dev/null";
  ASSERT_EQ(std::system(make_certs.c_str()), 0);
  const int port = free_port();
  auto nginx = start_nginx(
      dir_, "server {\n  listen 127.0.0.1:" + std::to_string(port) + " ssl;\n  ssl_certificate " +
                d + "/hs.pem;\n  ssl_certificate_key " + d + "/hs.key;\n  location / {\n" +
                "    proxy_pass " + homeserver_.base_url() + ";\n  }\n}\n");
  ASSERT_TRUE(nginx->wait_for_port(port)) << read_text(dir_.file("nginx-error.log"));
  const std::string https = "https://127.0.0.1:" + std::to_string(port);
  const std::string carol = homeserver_.login("@carol:hs.test");

  ServerProcess trusting({"--database", "sqlite:" + d + "/a.db", "--homeserver", https,
                          "--homeserver-ca", d + "/ca.pem"});
  auto ok = HttpClient(trusting.base_url()).request("POST", kVersionPath, kCreateBody, carol);
  EXPECT_EQ(ok.status, 200) << ok.body;

  ServerProcess untrusting({"--database", "sqlite:" + d + "/b.db", "--homeserver", https});
  auto refused =
      HttpClient(untrusting.base_url()).request("POST", kVersionPath, kCreateBody, carol);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json().at("errcode"), "M_UNKNOWN");
}

}  // namespace
}  // namespace roomkeys::testing
