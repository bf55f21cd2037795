// Every answer of the homeserver's whoami, as roomkeys-server passes it on to the client.
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include "companion/companion_fixture.h"

namespace roomkeys::testing {
namespace {

using Mode = HomeserverStandin::Mode;

class DelegatedAuth : public CompanionTest {
 protected:
  void SetUp() override { start_roomkeys(); }
};

TEST_F(DelegatedAuth, AValidTokenIsItsUserAndUsersStayApart) {
  const std::string alice = homeserver_.login("@alice:hs.test");
  const std::string bob = homeserver_.login("@bob:hs.test");
  ASSERT_EQ(call("POST", kVersionPath, alice, kCreateBody).status, 200);
  auto put = call("PUT", kKeysPath + "?version=1", alice, one_key("!r:hs.test", "s1", 0));
  ASSERT_EQ(put.status, 200) << put.body;
  // The homeserver saw the client's own Authorization header.
  EXPECT_EQ(homeserver_.last_authorization(), "Bearer " + alice);
  EXPECT_EQ(call("GET", kKeysPath + "?version=1", alice).json()["rooms"].size(), 1u);
  // Bob has no backup of his own, and cannot see Alice's.
  expect_error(call("GET", kVersionPath, bob), 404, "M_NOT_FOUND");
  expect_error(call("GET", kKeysPath + "?version=1", bob), 404, "M_NOT_FOUND");
}

TEST_F(DelegatedAuth, MissingTokenIsAnsweredWithoutAskingTheHomeserver) {
  expect_error(call("GET", kVersionPath, ""), 401, "M_MISSING_TOKEN");
  EXPECT_EQ(homeserver_.whoami_calls(), 0);
}

TEST_F(DelegatedAuth, GuestsAreForbidden) {
  const std::string guest = homeserver_.login("@guest1:hs.test", /*guest=*/true);
  expect_error(call("POST", kVersionPath, guest, kCreateBody), 403, "M_GUEST_ACCESS_FORBIDDEN");
}

TEST_F(DelegatedAuth, RefusedTokensKeepTheHomeserversErrcodeAndSoftLogout) {
  auto unknown = call("GET", kVersionPath, "syt_never_issued");
  expect_error(unknown, 401, "M_UNKNOWN_TOKEN");
  EXPECT_EQ(unknown.json().at("soft_logout"), false);

  const std::string expiring = homeserver_.login("@carol:hs.test");
  homeserver_.soft_logout(expiring);
  auto soft = call("GET", kVersionPath, expiring);
  expect_error(soft, 401, "M_UNKNOWN_TOKEN");
  EXPECT_EQ(soft.json().at("soft_logout"), true);
  EXPECT_EQ(soft.json().at("error"), "Access token has expired");

  const std::string locked = homeserver_.login("@dave:hs.test");
  homeserver_.lock("@dave:hs.test");
  auto r = call("GET", kVersionPath, locked);
  expect_error(r, 401, "M_USER_LOCKED");
  EXPECT_EQ(r.json().at("soft_logout"), true);
}

TEST_F(DelegatedAuth, ADeactivatedAccountsTokensStopWorking) {
  start_roomkeys({"--auth-cache-seconds", "1"});
  const std::string erin = homeserver_.login("@erin:hs.test");
  ASSERT_EQ(call("POST", kVersionPath, erin, kCreateBody).status, 200);
  homeserver_.deactivate("@erin:hs.test");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the cached "yes" expires
  expect_error(call("GET", kVersionPath, erin), 401, "M_UNKNOWN_TOKEN");
}

TEST_F(DelegatedAuth, HomeserverRateLimitIsPassedOnWithRetryAfter) {
  homeserver_.set_mode(Mode::kRateLimited, 1500);
  auto r = call("GET", kVersionPath, homeserver_.login("@frank:hs.test"));
  expect_error(r, 429, "M_LIMIT_EXCEEDED");
  EXPECT_EQ(r.json().at("retry_after_ms"), 1500);
  EXPECT_EQ(r.header("retry-after"), "2");
}

TEST_F(DelegatedAuth, ABrokenHomeserverIs503AndNothingIsWritten) {
  const std::string grace = homeserver_.login("@grace:hs.test");
  for (Mode mode : {Mode::kFailing, Mode::kGarbage, Mode::kBadUserId}) {
    homeserver_.set_mode(mode);
    auto r = call("POST", kVersionPath, grace, kCreateBody);
    expect_error(r, 503, "M_UNKNOWN");
    EXPECT_NE(r.json().at("error").get<std::string>().find("homeserver"), std::string::npos);
  }
  homeserver_.set_mode(Mode::kNormal);
  // None of the refused creations happened: the first version is 1.
  auto created = call("POST", kVersionPath, grace, kCreateBody);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.json().at("version"), "1");
}

TEST_F(DelegatedAuth, ASlowHomeserverIsCutAtTheTimeout) {
  homeserver_.set_delay(std::chrono::milliseconds(3000));
  const auto started = std::chrono::steady_clock::now();
  auto r = call("POST", kVersionPath, homeserver_.login("@heidi:hs.test"), kCreateBody);
  const auto took = std::chrono::steady_clock::now() - started;
  expect_error(r, 503, "M_UNKNOWN");
  EXPECT_LT(took, std::chrono::milliseconds(2500));  // --homeserver-timeout 1, not 3 s
}

TEST_F(DelegatedAuth, AStoppedHomeserverIs503UntilItReturns) {
  const std::string ivan = homeserver_.login("@ivan:hs.test");
  homeserver_.stop();
  expect_error(call("GET", kVersionPath, ivan), 503, "M_UNKNOWN");
  homeserver_.start();
  expect_error(call("GET", kVersionPath, ivan), 404, "M_NOT_FOUND");  // authenticated again
}

// The homeserver goes away under upload load and comes back: 503s while it is away, never a 500,
// every acknowledged upload stored, and service resumes by itself.
TEST_F(DelegatedAuth, AHomeserverStoppedMidLoadCostsNoKeys) {
  start_roomkeys({"--auth-cache-seconds", "0", "--auth-max-rate", "0", "--threads", "4"});
  const std::string rita = homeserver_.login("@rita:hs.test");
  ASSERT_EQ(call("POST", kVersionPath, rita, kCreateBody).status, 200);
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::vector<std::thread> devices;
  for (int d = 0; d < 4; ++d) {
    devices.emplace_back([&, d] {
      HttpClient client(server_->base_url());
      for (int i = 0; !done; ++i) {
        const std::string session = "d" + std::to_string(d) + "s" + std::to_string(i);
        const long status =
            client.request("PUT", kKeysPath + "?version=1", one_key("!r:hs.test", session, 0), rita)
                .status;
        if (status == 200) {
          ++ok;
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged.push_back(session);
        } else {
          (status == 503 ? unavailable : other)++;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  homeserver_.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  homeserver_.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  done = true;
  for (auto& device : devices) device.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(unavailable.load(), 0);
  EXPECT_GT(ok.load(), 0);
  const auto keys = call("GET", kKeysPath + "?version=1", rita);
  ASSERT_EQ(keys.status, 200);  // back by itself
  const nlohmann::json body = keys.json();
  const auto& sessions = body["rooms"]["!r:hs.test"]["sessions"];
  for (const std::string& session : acknowledged)
    EXPECT_TRUE(sessions.contains(session)) << session;
  EXPECT_EQ(sessions.size(), acknowledged.size());  // nothing refused was written
  EXPECT_EQ(call("GET", kVersionPath, rita).json().at("count"), acknowledged.size());
  std::cout << "homeserver stopped mid-load: " << ok << " uploads acknowledged, " << unavailable
            << " answered 503, " << other << " other\n";
}

TEST_F(DelegatedAuth, ApplicationServicesMasqueradeAsTheirUsers) {
  const std::string as = homeserver_.register_appservice("@bridge_");
  auto r = call("POST", kVersionPath + "?user_id=%40bridge_judy%3Ahs.test", as, kCreateBody);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(homeserver_.last_user_id_param(), "@bridge_judy:hs.test");
  // The version belongs to the masqueraded user, not to the bridge bot.
  EXPECT_EQ(call("GET", kVersionPath + "?user_id=%40bridge_judy%3Ahs.test", as).status, 200);
  expect_error(call("GET", kVersionPath, as), 404, "M_NOT_FOUND");
  // Outside its namespace the homeserver says no, and so does roomkeys.
  expect_error(call("GET", kVersionPath + "?user_id=%40mallory%3Ahs.test", as), 403, "M_FORBIDDEN");
}

TEST_F(DelegatedAuth, AKnownTokenIsAskedAboutOncePerCacheLifetime) {
  const std::string kim = homeserver_.login("@kim:hs.test");
  for (int i = 0; i < 20; ++i) ASSERT_EQ(call("GET", kVersionPath, kim).status, 404);
  EXPECT_EQ(homeserver_.whoami_calls(), 1);
  // A refused token is remembered briefly too.
  for (int i = 0; i < 5; ++i) call("GET", kVersionPath, "syt_bogus");
  EXPECT_EQ(homeserver_.whoami_calls(), 2);
  // A fresh login works at once.
  EXPECT_EQ(call("GET", kVersionPath, homeserver_.login("@kim:hs.test")).status, 404);
  EXPECT_EQ(homeserver_.whoami_calls(), 3);
}

TEST_F(DelegatedAuth, CacheSecondsZeroAsksEveryTime) {
  start_roomkeys({"--auth-cache-seconds", "0"});
  const std::string leo = homeserver_.login("@leo:hs.test");
  for (int i = 0; i < 5; ++i) call("GET", kVersionPath, leo);
  EXPECT_EQ(homeserver_.whoami_calls(), 5);
}

TEST_F(DelegatedAuth, TheCacheForgetsTheLeastRecentlyUsedTokenWhenFull) {
  start_roomkeys({"--auth-cache-entries", "2"});
  const std::string a = homeserver_.login("@a:hs.test"), b = homeserver_.login("@b:hs.test"),
                    c = homeserver_.login("@c:hs.test");
  for (const auto* token : {&a, &b, &a, &c}) call("GET", kVersionPath, *token);
  EXPECT_EQ(homeserver_.whoami_calls(), 3);  // a, b, c
  call("GET", kVersionPath, a);              // a was used after b: still cached
  EXPECT_EQ(homeserver_.whoami_calls(), 3);
  call("GET", kVersionPath, b);  // b was the least recently used: evicted
  EXPECT_EQ(homeserver_.whoami_calls(), 4);
}

TEST_F(DelegatedAuth, ConcurrentRequestsWithOneNewTokenMakeOneWhoamiCall) {
  start_roomkeys({"--threads", "8"});
  homeserver_.set_delay(std::chrono::milliseconds(300));
  const std::string mia = homeserver_.login("@mia:hs.test");
  std::vector<std::future<long>> answers;
  for (int i = 0; i < 8; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      return HttpClient(server_->base_url()).request("GET", kVersionPath, "", mia).status;
    }));
  }
  for (auto& answer : answers) EXPECT_EQ(answer.get(), 404);
  EXPECT_EQ(homeserver_.whoami_calls(), 1);
}

TEST_F(DelegatedAuth, WhoamiCallsInFlightAreBounded) {
  start_roomkeys({"--threads", "8", "--auth-max-concurrent", "2"});
  homeserver_.set_delay(std::chrono::milliseconds(200));
  std::vector<std::future<long>> answers;
  for (int i = 0; i < 8; ++i) {
    const std::string token = homeserver_.login("@n" + std::to_string(i) + ":hs.test");
    answers.push_back(std::async(std::launch::async, [this, token] {
      return HttpClient(server_->base_url()).request("GET", kVersionPath, "", token).status;
    }));
  }
  for (auto& answer : answers) {
    const long status = answer.get();
    EXPECT_TRUE(status == 404 || status == 429) << status;
  }
  EXPECT_LE(homeserver_.max_concurrent_whoami(), 2);
}

TEST_F(DelegatedAuth, RandomTokensCannotFloodTheHomeserver) {
  start_roomkeys({"--threads", "4", "--auth-max-rate", "50"});
  const auto started = std::chrono::steady_clock::now();
  std::atomic<int> limited{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(server_->base_url());
      for (int i = 0; i < 250; ++i) {
        try {
          const long status =
              client.request("GET", kVersionPath, "", "syt_random_" + std::to_string(t * 1000 + i))
                  .status;
          (status == 429 ? limited : status == 401 ? refused : other)++;
        } catch (const std::exception& e) {  // a cut connection fails the test, not the binary
          ADD_FAILURE() << e.what();
          other++;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(limited + refused, 2000);
  EXPECT_GT(limited.load(), 0);
  // At most the burst (2 x 50) plus 50 per second reached the homeserver.
  EXPECT_LE(homeserver_.whoami_calls(), 100 + static_cast<int>(50 * seconds) + 5)
      << seconds << " s";
  std::cout << "2000 requests with random tokens in " << seconds
            << " s: " << homeserver_.whoami_calls() << " whoami calls, " << limited
            << " answered 429, " << refused << " answered 401\n";
  // The flood did not lock out a user whose token is already known... and it ends: the
  // bucket refills.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(call("GET", kVersionPath, homeserver_.login("@olga:hs.test")).status, 404);
}

TEST_F(DelegatedAuth, TokensNeverReachTheLog) {
  start_roomkeys({"--log-level", "debug"});
  const std::string pat = homeserver_.login("@pat:hs.test");
  call("POST", kVersionPath, pat, kCreateBody);
  homeserver_.set_mode(Mode::kGarbage);
  call("GET", kVersionPath, homeserver_.login("@quinn:hs.test"));
  homeserver_.stop();
  call("GET", kVersionPath, "syt_secret_while_down");
  const std::string log = server_->stderr_text();
  EXPECT_NE(log.find("homeserver"), std::string::npos) << log;  // the failures were logged
  EXPECT_EQ(log.find("syt_"), std::string::npos) << log;
}

}  // namespace
}  // namespace roomkeys::testing
