// RequestFramer: HTTP/1.1 framing in front of Pistache (BEHAVIOUR.md "HTTP connections").
#include "server/request_framer.h"

#include <gtest/gtest.h>

#include <vector>

namespace roomkeys::server {
namespace {

struct Outcome {
  std::vector<FramedRequest> requests;
  std::optional<FramingError> error;
};

Outcome feed(RequestFramer& framer, std::string_view bytes, size_t piece = 0) {
  Outcome outcome;
  auto drain = [&] {
    while (true) {
      auto next = framer.next();
      if (auto* r = std::get_if<FramedRequest>(&next)) {
        outcome.requests.push_back(std::move(*r));
      } else if (auto* e = std::get_if<FramingError>(&next)) {
        outcome.error = *e;
      } else {
        return;
      }
    }
  };
  if (piece == 0) piece = bytes.size();
  for (size_t at = 0; at < bytes.size(); at += piece) {
    framer.append(bytes.substr(at, piece));
    drain();
  }
  return outcome;
}

Outcome feed(std::string_view bytes, size_t piece = 0, FramingLimits limits = {}) {
  RequestFramer framer(limits);
  return feed(framer, bytes, piece);
}

const std::string kGet = "GET /v?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n";

TEST(RequestFramer, AnswersTheSameWhateverTheReadsAreCutInto) {
  const std::string put =
      "PUT /k HTTP/1.1\r\nHost: h\r\nX-Other: dropped\r\nContent-Length: 5\r\n\r\nhello";
  const std::string chunked =
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n"
      "2\r\nde\r\n0\r\nT: v\r\n\r\n";
  const std::string all = "\r\n" + kGet + put + chunked + kGet;
  for (size_t piece : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{64}}) {
    const Outcome out = feed(all, piece);
    ASSERT_FALSE(out.error) << out.error->message;
    ASSERT_EQ(out.requests.size(), 4u) << piece;
    EXPECT_EQ(out.requests[0].head,
              "GET /v?x=1 HTTP/1.1\r\nAuthorization: Bearer t\r\nConnection: keep-alive\r\n"
              "Content-Length: 0\r\n\r\n");
    EXPECT_EQ(out.requests[1].head,
              "PUT /k HTTP/1.1\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\n");
    EXPECT_EQ(out.requests[1].body, "hello");
    EXPECT_EQ(out.requests[2].body, "abcde");
    EXPECT_NE(out.requests[2].head.find("Content-Length: 5\r\n"), std::string::npos);
    EXPECT_EQ(out.requests[2].head.find("chunked"), std::string::npos);
  }
}

TEST(RequestFramer, KeepAliveFollowsTheVersionAndConnectionHeader) {
  EXPECT_TRUE(feed(kGet).requests.at(0).keep_alive);
  EXPECT_FALSE(
      feed("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n").requests.at(0).keep_alive);
  EXPECT_FALSE(feed("GET / HTTP/1.0\r\n\r\n").requests.at(0).keep_alive);
  EXPECT_TRUE(feed("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").requests.at(0).keep_alive);
}

TEST(RequestFramer, AfterAnErrorNothingMoreIsRead) {
  RequestFramer framer({});
  const Outcome out =
      feed(framer, "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n" + kGet);
  ASSERT_TRUE(out.error);
  EXPECT_EQ(out.error->status, 400);
  EXPECT_TRUE(out.requests.empty());
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::kFailed);
  EXPECT_TRUE(feed(framer, kGet).requests.empty());
}

TEST(RequestFramer, LimitsGiveTheirStatusBeforeTheWholeHeadArrives) {
  FramingLimits limits;
  limits.max_request_line = 64;
  limits.max_header_bytes = 256;
  limits.max_header_count = 3;
  limits.max_body_bytes = 10;
  EXPECT_EQ(feed("GET /" + std::string(100, 'a'), 0, limits).error->status, 414);
  EXPECT_EQ(feed("GET / HTTP/1.1\r\nX: " + std::string(300, 'a'), 0, limits).error->status, 431);
  EXPECT_EQ(
      feed("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 0, limits).error->status,
      431);
  EXPECT_EQ(
      feed("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", 0, limits).error->status,
      413);
  EXPECT_EQ(
      feed("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n3\r\n",
           0, limits)
          .error->status,
      413);
  EXPECT_EQ(feed("GET /path\r\n", 0, limits).error->status, 400);  // at once, not at a timeout
}

TEST(RequestFramer, PhasesTellWhatTheConnectionWaitsFor) {
  RequestFramer framer({});
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::kIdle);
  feed(framer, "PUT / HTTP/1.1\r\nHost: h\r\n");
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::kHead);
  feed(framer, "Expect: 100-continue\r\nContent-Length: 4\r\n\r\nab");
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::kBody);
  EXPECT_TRUE(framer.take_continue());
  EXPECT_FALSE(framer.take_continue());
  EXPECT_EQ(framer.body_remaining(), 2u);
  EXPECT_EQ(feed(framer, "cd").requests.at(0).body, "abcd");
  EXPECT_EQ(framer.phase(), RequestFramer::Phase::kIdle);
}

TEST(RequestFramer, OnlyTheAuthorizationHeaderIsPassedOnAndOnlyOnce) {
  EXPECT_EQ(feed("GET / HTTP/1.1\r\nHost: h\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n")
                .error->status,
            400);
  const auto out = feed("GET / HTTP/1.1\r\nHost: h\r\nCookie: c\r\nAccept: ///\r\n\r\n");
  ASSERT_EQ(out.requests.size(), 1u);
  EXPECT_EQ(out.requests[0].head,
            "GET / HTTP/1.1\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
}

}  // namespace
}  // namespace roomkeys::server
