// BEHAVIOUR.md "HTTP connections": hostile and unusual clients, byte for byte over raw sockets
// (issue 15's attacks among them). The host's HTTP layer is the same whatever the database, so
// these run on SQLite.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <thread>

#include "e2e/e2e_fixture.h"
#include "e2e/raw_connection.h"

namespace roomkeys::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class HttpHardeningTest : public E2eTest {
 protected:
  // Long timeouts unless a test sets its own: an answer that comes within a few seconds then
  // proves the server did not wait for a timeout.
  void start_with(std::vector<std::string> flags, const std::vector<std::string>& env = {}) {
    std::vector<std::string> all = {"--header-timeout", "60", "--body-timeout", "60",
                                    "--idle-timeout",   "60"};
    all.insert(all.end(), flags.begin(), flags.end());
    start(all, env);
  }
  void SetUp() override { start_with({}); }

  std::unique_ptr<RawConnection> connect() {
    return std::make_unique<RawConnection>(server_->port());
  }
  std::string get_version() { return raw_request("GET", kV3 + "/room_keys/version", kAlice); }
  std::string upload(const std::string& version, const std::string& body) {
    return raw_request("PUT", kV3 + "/room_keys/keys?version=" + version, kAlice, body);
  }
  static std::string one_key(const std::string& session) {
    return one_key_body("!room:x", session, key_json(1, 0, false));
  }
  int stored_keys() { return call("GET", "/room_keys/version").json()["count"].get<int>(); }

  static void expect_matrix_error(const std::optional<RawAnswer>& answer, int status,
                                  const std::string& errcode) {
    ASSERT_TRUE(answer.has_value()) << "no answer";
    EXPECT_EQ(answer->status, status) << answer->head << "\n" << answer->body;
    ASSERT_TRUE(nlohmann::json::accept(answer->body)) << answer->body;
    EXPECT_EQ(nlohmann::json::parse(answer->body).value("errcode", ""), errcode);
  }
};

TEST_P(HttpHardeningTest, PipelinedRequestsAreAllAnsweredInOrder) {
  const std::string v = create_version();
  std::string pipeline;
  for (int i = 0; i < 50; ++i) pipeline += get_version();
  pipeline += upload(v, one_key("s1"));
  pipeline += get_version();
  auto c = connect();
  ASSERT_TRUE(c->send(pipeline));  // one write
  for (int i = 0; i < 50; ++i) {
    auto a = c->answer();
    ASSERT_TRUE(a) << "answer " << i << " missing";
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(nlohmann::json::parse(a->body)["count"], 0) << i;
  }
  auto stored = c->answer();
  ASSERT_TRUE(stored);
  EXPECT_EQ(nlohmann::json::parse(stored->body)["count"], 1);
  auto after = c->answer();
  ASSERT_TRUE(after);
  EXPECT_EQ(nlohmann::json::parse(after->body)["count"], 1);
  EXPECT_FALSE(c->closed_within(milliseconds(200)));  // kept alive
}

TEST_P(HttpHardeningTest, NothingAfterARefusedBodyIsReadAsARequest) {
  create_version();
  std::string body;
  const std::string g = get_version();
  while (body.size() < (40u << 20)) body += g;
  auto c = connect();
  c->send("PUT " + kV3 + "/room_keys/keys?version=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
          kAlice + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  c->send(body);  // may fail part way: the server stops reading
  expect_matrix_error(c->answer(), 413, "M_TOO_LARGE");
  EXPECT_FALSE(c->answer(milliseconds(500)).has_value()) << "a smuggled request was answered";
  EXPECT_TRUE(c->closed_within(seconds(5)));
}

TEST_P(HttpHardeningTest, ConflictingContentLengthsAre400AndNothingIsStored) {
  const std::string v = create_version();
  const std::string key = one_key("s1");
  auto c = connect();
  c->send("PUT " + kV3 + "/room_keys/keys?version=" + v +
          " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kAlice + "\r\nContent-Length: " +
          std::to_string(key.size()) + "\r\nContent-Length: 5\r\n\r\n" + key);
  expect_matrix_error(c->answer(), 400, "M_UNKNOWN");
  EXPECT_TRUE(c->closed_within(seconds(5)));
  EXPECT_EQ(stored_keys(), 0);
}

TEST_P(HttpHardeningTest, AMalformedContentLengthIs400NeverA500) {
  const std::string v = create_version();
  for (const std::string length :
       {"-1", "-5", "+5", "0x10", "1e3", "5 5", "", "5,6", "99999999999999999999999"}) {
    auto c = connect();
    c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
            "Authorization: Bearer " + kAlice + "\r\nContent-Length: " + length + "\r\n\r\n{}");
    expect_matrix_error(c->answer(), 400, "M_UNKNOWN");
  }
  // The same length twice, or as a list of equal values, is one length.
  const std::string key = one_key("s1");
  const std::string n = std::to_string(key.size());
  auto c = connect();
  c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
          "Authorization: Bearer " + kAlice + "\r\nContent-Length: " + n + ", " + n +
          "\r\nContent-Length: " + n + "\r\n\r\n" + key);
  auto a = c->answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200) << a->body;
}

TEST_P(HttpHardeningTest, AnOversizedAnnouncedBodyIs413AtOnce) {
  const std::string v = create_version();
  for (const std::string& length : {std::string("10737418240"), std::to_string((16 << 20) + 1)}) {
    auto c = connect();
    c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
            "Authorization: Bearer " + kAlice + "\r\nContent-Length: " + length +
            "\r\n\r\n0123456789abcdef");
    // The body timeout is 60 s: an answer within 10 s was not waited for.
    expect_matrix_error(c->answer(seconds(10)), 413, "M_TOO_LARGE");
    EXPECT_TRUE(c->closed_within(seconds(5)));
  }
  // Announced with Expect: 100-continue, it is refused before the client sends it.
  auto c = connect();
  c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
          "Expect: 100-continue\r\nContent-Length: 20000000\r\n\r\n");
  expect_matrix_error(c->answer(seconds(10)), 413, "M_TOO_LARGE");
}

// Pistache handles an event that says both "readable" and "writable" as readable alone. An answer
// queued while the client still sends (the rest of a refused body, the start of its next request)
// would then wait for a later event, and none comes once the client has sent its last bytes and
// waits. The server runs with its arming of sockets for writing slowed down
// (support/slow_write_arming.c), so the client's next bytes are there every time it polls.
TEST_P(HttpHardeningTest, AnAnswerQueuedWhileTheClientStillSendsIsWritten) {
  const char* asan = std::getenv("ASAN_OPTIONS");  // the preload comes before ASan's runtime
  start_with({}, {std::string("LD_PRELOAD=") + ROOMKEYS_SLOW_WRITE_ARMING_PATH,
                  "ROOMKEYS_TEST_ARMING_DELAY_MS=50",
                  std::string("ASAN_OPTIONS=") + (asan ? asan : "") + ":verify_asan_link_order=0"});
  const std::string v = create_version();
  const std::string refused = "PUT " + kV3 + "/room_keys/keys?version=" + v +
                              " HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n{";
  for (int round = 0; round < 3; ++round) {
    auto c = connect();
    ASSERT_TRUE(c->send(refused));
    for (int i = 0; i < 8; ++i) {  // the body goes on arriving while the 413 waits to be written
      c->send(std::string(1000, 'x'));
      std::this_thread::sleep_for(milliseconds(20));
    }
    expect_matrix_error(c->answer(seconds(10)), 413, "M_TOO_LARGE");
    EXPECT_TRUE(c->closed_within(seconds(10)));
  }
  // A keep-alive answer, and the start of the next request sent while it waits to be written.
  auto c = connect();
  ASSERT_TRUE(c->send(get_version()));
  for (const std::string& part : {std::string("GET ") + kV3, std::string("/room_keys/version")}) {
    std::this_thread::sleep_for(milliseconds(20));
    ASSERT_TRUE(c->send(part));
  }
  auto first = c->answer(seconds(10));
  ASSERT_TRUE(first) << "the first answer was not written";
  EXPECT_EQ(first->status, 200);
  ASSERT_TRUE(c->send(" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kAlice + "\r\n\r\n"));
  auto second = c->answer(seconds(10));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
}

// Pistache retries a write that meets a full socket in a loop on the worker thread. A client that
// stops reading a restore larger than the socket buffers must not make the server spin meanwhile,
// and the restore must go on, whole, once it reads again.
TEST_P(HttpHardeningTest, AClientThatStopsReadingARestoreCostsNoCpu) {
  start_with({"--send-timeout", "120"});  // not cut while this test waits
  const std::string v = create_version();
  const std::string session_data = R"({"ciphertext":")" + std::string(1200, 'c') + R"("})";
  constexpr int kKeys = 6000;  // an 8 MB restore: more than loopback's buffers hold unread
  for (int batch = 0; batch < kKeys / 100; ++batch) {
    nlohmann::json body;
    for (int i = 0; i < 100; ++i) {
      body["rooms"]["!r:x"]["sessions"]["s" + std::to_string(batch * 100 + i)] =
          nlohmann::json::parse(key_json(1, 0, false, session_data));
    }
    ASSERT_EQ(call("PUT", "/room_keys/keys?version=" + v, body.dump()).status, 200);
  }
  auto c = connect();
  ASSERT_TRUE(c->send(raw_request("GET", kV3 + "/room_keys/keys?version=" + v, kAlice)));
  // Once it has filled the sockets the server must wait. A second in which it uses less than half
  // a core then comes soon; spinning, none would until the client reads.
  bool waits = false;
  for (int second = 0; second < 20 && !waits; ++second) {
    const double before = server_->cpu_seconds();
    std::this_thread::sleep_for(seconds(1));
    waits = server_->cpu_seconds() - before < 0.5;
  }
  EXPECT_TRUE(waits) << "the server kept a core busy while the client did not read";
  const auto answer = c->answer(seconds(30));
  ASSERT_TRUE(answer) << "the restore did not finish once read";
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(nlohmann::json::parse(answer->body)["rooms"]["!r:x"]["sessions"].size(), kKeys);
}

TEST_P(HttpHardeningTest, ChunkedBodiesOverTheLimitAre413AsSoonAsTheyPassIt) {
  start_with({"--max-body-bytes", "4096"});
  const std::string v = create_version();
  auto c = connect();
  c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
          "Authorization: Bearer " + kAlice + "\r\nTransfer-Encoding: chunked\r\n\r\n" + "800\r\n" +
          std::string(2048, 'x') + "\r\n801\r\n");
  expect_matrix_error(c->answer(seconds(10)), 413, "M_TOO_LARGE");
}

TEST_P(HttpHardeningTest, HeadersBeyondTheLimitsAre431AndLongRequestLines414) {
  auto big = connect();
  big->send("GET " + kV3 + "/room_keys/version HTTP/1.1\r\nHost: x\r\nX-Big: " +
            std::string(1 << 20, 'a') + "\r\n\r\n");
  expect_matrix_error(big->answer(), 431, "M_UNKNOWN");

  start_with({"--max-header-bytes", "1048576"});  // so that the count is what is over
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "X-H: v\r\n";
  auto count = connect();
  count->send("GET " + kV3 + "/room_keys/version HTTP/1.1\r\nHost: x\r\n" + many + "\r\n");
  expect_matrix_error(count->answer(), 431, "M_UNKNOWN");

  auto line = connect();
  line->send("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  expect_matrix_error(line->answer(), 414, "M_UNKNOWN");
  EXPECT_EQ(call("GET", "/room_keys/version").status, 404);  // the server lives on
}

TEST_P(HttpHardeningTest, MalformedRequestLinesAreAnsweredAtOnceAndClosed) {
  const std::vector<std::pair<std::string, int>> cases = {
      {"GET /path\r\n\r\n", 400},                                   // HTTP/0.9
      {"GET /path HTTP/2.0\r\nHost: x\r\n\r\n", 505},               // another version
      {"BREW /path HTTP/1.1\r\nHost: x\r\n\r\n", 501},              // unknown method
      {"HEAD /path HTTP/1.1\r\nHost: x\r\n\r\n", 405},              // a body would follow
      {"GET path HTTP/1.1\r\nHost: x\r\n\r\n", 400},                // not origin-form
      {"GET /path HTTP/1.1\nHost: x\n\n", 400},                     // bare LF
      {"GET /path HTTP/1.1\r\n\r\n", 400},                          // no Host
      {"GET /path HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},    // two Hosts
      {"GET /path HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},    // obs-fold
      {"GET /path HTTP/1.1\r\nHost : x\r\n\r\n", 400},              // space before colon
      {"GET /path HTTP/1.1\r\nHost: x\r\nX: a\x01b\r\n\r\n", 400},  // control character
      {"GET /p HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n", 417},
  };
  for (const auto& [bytes, status] : cases) {
    auto c = connect();
    c->send(bytes);
    auto a = c->answer(seconds(10));
    ASSERT_TRUE(a) << bytes;
    EXPECT_EQ(a->status, status) << bytes;
    EXPECT_TRUE(nlohmann::json::accept(a->body)) << a->body;
    EXPECT_TRUE(c->closed_within(seconds(5))) << bytes;
  }
}

TEST_P(HttpHardeningTest, TransferEncodingIsChunkedAloneAndNeverBesideContentLength) {
  const std::string v = create_version();
  const std::string key = one_key("s1");
  auto both = connect();
  both->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
             "Authorization: Bearer " + kAlice + "\r\nContent-Length: 3\r\n" +
             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  expect_matrix_error(both->answer(), 400, "M_UNKNOWN");
  auto gzip = connect();
  gzip->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
             "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
  expect_matrix_error(gzip->answer(), 501, "M_UNKNOWN");
  for (const std::string bad : {"zz\r\n", "5\r\nabcdefg\r\n", "3\r\nabcXY", "-1\r\n", "3\nabc"}) {
    auto c = connect();
    c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
            "Authorization: Bearer " + kAlice + "\r\nTransfer-Encoding: chunked\r\n\r\n" + bad);
    expect_matrix_error(c->answer(), 400, "M_UNKNOWN");
  }
  EXPECT_EQ(stored_keys(), 0);

  // A valid chunked upload with an extension and a trailer, and a request pipelined after it.
  auto c = connect();
  const std::string half = key.substr(0, 10);
  const std::string rest = key.substr(10);
  std::ostringstream chunked;
  chunked << std::hex << half.size() << ";ext=1\r\n"
          << half << "\r\n"
          << rest.size() << "\r\n"
          << rest << "\r\n0\r\nX-Trailer: t\r\n\r\n";
  c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
          "Authorization: Bearer " + kAlice + "\r\nTransfer-Encoding: Chunked\r\n\r\n" +
          chunked.str() + get_version());
  auto stored = c->answer();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, 200) << stored->body;
  auto after = c->answer();
  ASSERT_TRUE(after);
  EXPECT_EQ(nlohmann::json::parse(after->body)["count"], 1);
}

TEST_P(HttpHardeningTest, ExpectContinueGetsA100BeforeTheBody) {
  const std::string v = create_version();
  const std::string key = one_key("s1");
  auto c = connect();
  c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
          "Authorization: Bearer " + kAlice +
          "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(key.size()) + "\r\n\r\n");
  auto go_on = c->answer();
  ASSERT_TRUE(go_on);
  EXPECT_EQ(go_on->status, 100);
  c->send(key);
  auto stored = c->answer();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, 200) << stored->body;
}

TEST_P(HttpHardeningTest, ConnectionCloseAndHttp10AreClosedAfterTheirAnswer) {
  auto close = connect();
  close->send(raw_request("GET", kV3 + "/room_keys/version", kAlice, "", "Connection: close\r\n") +
              get_version());
  auto a = close->answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 404);
  EXPECT_TRUE(close->closed_within(seconds(5)));

  auto old = connect();
  old->send("GET " + kV3 + "/room_keys/version HTTP/1.0\r\nAuthorization: Bearer " + kAlice +
            "\r\n\r\n");
  auto b = old->answer();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 404);
  EXPECT_TRUE(old->closed_within(seconds(5)));
}

TEST_P(HttpHardeningTest, SlowClientsAreCutAfterTheirTimeout) {
  start_with({"--header-timeout", "1", "--body-timeout", "1", "--idle-timeout", "1"});
  const std::string v = create_version();
  auto silent = connect();
  auto partial_head = connect();
  partial_head->send("GET " + kV3 + "/room_keys/version HTTP/1.1\r\nHost: x\r\n");
  auto partial_body = connect();
  partial_body->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
                     "Authorization: Bearer " + kAlice + "\r\nContent-Length: 500\r\n\r\n{\"ro");
  auto idle = connect();
  idle->send(get_version());
  ASSERT_TRUE(idle->answer());
  // A slowloris: a byte every 200 ms never completes its head within the header timeout.
  auto slow = connect();
  const std::string head = get_version();
  bool cut = false;
  for (size_t i = 0; i < head.size() && !cut; ++i) {
    cut = !slow->send(head.substr(i, 1)) || slow->closed_within(milliseconds(200));
  }
  EXPECT_TRUE(cut);
  for (auto* c : {silent.get(), partial_head.get(), partial_body.get(), idle.get()}) {
    EXPECT_TRUE(c->closed_within(seconds(10)));
  }
  EXPECT_EQ(stored_keys(), 0);
  EXPECT_EQ(call("GET", "/room_keys/version").status, 200);  // the server lives on
}

TEST_P(HttpHardeningTest, ConnectionsOverTheCapAreRefusedCleanly) {
  start_with({"--max-connections", "3"});
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(connect());
  for (auto& c : held) {  // all admitted before the next one comes
    c->send(get_version());
    ASSERT_TRUE(c->answer());
  }
  auto over = connect();
  over->send(get_version());
  expect_matrix_error(over->answer(), 503, "M_LIMIT_EXCEEDED");
  EXPECT_TRUE(over->closed_within(seconds(5)));
  held.pop_back();
  std::this_thread::sleep_for(milliseconds(300));  // the server notices the hang-up
  auto again = connect();
  again->send(get_version());
  auto a = again->answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 404);
}

TEST_P(HttpHardeningTest, TwoThousandIdleConnectionsDoNotStopOthersBeingServed) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 2100) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4096);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  ASSERT_GE(limit.rlim_cur, 2100u) << "this test needs 2100 open files";
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 2000; ++i) idle.push_back(connect());
  EXPECT_EQ(call("GET", "/room_keys/version").status, 404);
  const std::string v = create_version();
  EXPECT_EQ(call("PUT", "/room_keys/keys/!r:x/s?version=" + v, key_json(0, 0, false)).status, 200);
}

TEST_P(HttpHardeningTest, AClientGoneMidBodyStoresNothing) {
  const std::string v = create_version();
  const std::string key = one_key("s1");
  for (size_t cut : {size_t{1}, key.size() / 2, key.size() - 1}) {
    auto c = connect();
    c->send("PUT " + kV3 + "/room_keys/keys?version=" + v + " HTTP/1.1\r\nHost: x\r\n" +
            "Authorization: Bearer " + kAlice +
            "\r\nContent-Length: " + std::to_string(key.size()) + "\r\n\r\n" + key.substr(0, cut));
    c.reset();
  }
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(stored_keys(), 0);
}

INSTANTIATE_TEST_SUITE_P(Db, HttpHardeningTest, ::testing::Values(TestBackend::kSqlite),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace roomkeys::testing
