#include "server/route_table.h"

#include <gtest/gtest.h>

#include <string>

namespace roomkeys::server {
namespace {

void noop_handler(void*, const mxm_request*, mxm_responder*) {}

class RouteTableTest : public ::testing::Test {
 protected:
  void add(mxm_method method, const std::string& path) {
    mxm_route route{};
    route.struct_size = sizeof route;
    route.method = method;
    route.path_template = {path.data(), path.size()};
    route.handler = noop_handler;
    ASSERT_TRUE(table.add(route));
  }
  void SetUp() override {
    add(MXM_GET, "/_matrix/client/v3/room_keys/keys");
    add(MXM_GET, "/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}");
    add(MXM_PUT, "/_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}");
  }
  RouteTable table;
};

TEST_F(RouteTableTest, CapturesDecodedSegmentsAfterSplitting) {
  auto m = table.match(MXM_GET, "/_matrix/client/v3/room_keys/keys/%21r%3Ax/a%2Fb+c%252F");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0], std::make_pair(std::string("roomId"), std::string("!r:x")));
  EXPECT_EQ(m.params[1], std::make_pair(std::string("sessionId"), std::string("a/b+c%2F")));
}

TEST_F(RouteTableTest, RawSpecialCharactersWork) {
  auto m = table.match(MXM_PUT, "/_matrix/client/v3/room_keys/keys/!r:x/s=+");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.params[1].second, "s=+");
}

TEST_F(RouteTableTest, UnknownPathIsNotFoundAndKnownPathWrongMethod) {
  EXPECT_EQ(table.match(MXM_GET, "/_matrix/client/v3/room_keys/other").kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(table.match(MXM_GET, "/_matrix/client/v3/room_keys/keys/a/b/c").kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(table.match(MXM_DELETE, "/_matrix/client/v3/room_keys/keys").kind,
            RouteMatch::Kind::kWrongMethod);
  EXPECT_EQ(table.match(0, "/_matrix/client/v3/room_keys/keys").kind,
            RouteMatch::Kind::kWrongMethod);
}

TEST_F(RouteTableTest, MalformedEncodingInACapture) {
  EXPECT_EQ(table.match(MXM_GET, "/_matrix/client/v3/room_keys/keys/%ZZ/s").kind,
            RouteMatch::Kind::kBadEncoding);
  const auto bad = table.match(MXM_GET, "/_matrix/client/v3/room_keys/keys/!r/%FF");
  EXPECT_EQ(bad.kind, RouteMatch::Kind::kBadEncoding);
  ASSERT_NE(bad.route, nullptr);  // its flags (auth, rate limit) still apply
}

TEST(RouteTable, RefusesMalformedTemplates) {
  RouteTable table;
  mxm_route route{};
  route.struct_size = sizeof route;
  route.method = MXM_GET;
  route.handler = noop_handler;
  route.path_template = {"relative", 8};
  EXPECT_FALSE(table.add(route));
  route.path_template = {nullptr, 0};
  EXPECT_FALSE(table.add(route));
}

}  // namespace
}  // namespace roomkeys::server
