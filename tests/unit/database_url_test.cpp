#include "storage/database_url.h"

#include <gtest/gtest.h>

namespace roomkeys {
namespace {

TEST(DatabaseUrl, Sqlite) {
  auto url = parse_database_url("sqlite:/var/lib/roomkeys/keys.db");
  ASSERT_TRUE(url.is_ok());
  EXPECT_EQ(url.value().backend, DatabaseUrl::Backend::kSqlite);
  EXPECT_EQ(url.value().path, "/var/lib/roomkeys/keys.db");
  EXPECT_EQ(parse_database_url("sqlite://rel.db").value().path, "rel.db");
}

TEST(DatabaseUrl, MysqlWithPercentEncodedPassword) {
  auto url = parse_database_url("mysql://synapse:p%40ss%3Aw%2Frd%25@db.example.org:3307/keys");
  ASSERT_TRUE(url.is_ok()) << url.status().message();
  const DatabaseUrl& u = url.value();
  EXPECT_EQ(u.backend, DatabaseUrl::Backend::kMysql);
  EXPECT_EQ(u.user, "synapse");
  EXPECT_EQ(u.password, "p@ss:w/rd%");
  EXPECT_EQ(u.host, "db.example.org");
  EXPECT_EQ(u.port, 3307);
  EXPECT_EQ(u.database, "keys");
  EXPECT_EQ(u.describe().find("p@ss"), std::string::npos);  // never the password
}

TEST(DatabaseUrl, MysqlDefaultsSocketAndIpv6) {
  auto plain = parse_database_url("mariadb://u@localhost/db").value();
  EXPECT_EQ(plain.port, 3306);
  EXPECT_EQ(plain.password, "");
  auto socket = parse_database_url("mysql://u:p@localhost/db?socket=%2Frun%2Fmysqld%2Fmysqld.sock");
  ASSERT_TRUE(socket.is_ok());
  EXPECT_EQ(socket.value().socket, "/run/mysqld/mysqld.sock");
  auto v6 = parse_database_url("mysql://u:p@[::1]:3308/db").value();
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 3308);
}

TEST(DatabaseUrl, RejectsMalformedUrls) {
  for (const char* url :
       {"", "sqlite:", "postgres://u@h/db", "mysql://u@h", "mysql://u@h/", "mysql://u@h:99999/db",
        "mysql://u@h:x/db", "mysql://h/db", "mysql://u@h/db?ssl=1", "mysql://u:%zz@h/db"}) {
    auto parsed = parse_database_url(url);
    EXPECT_FALSE(parsed.is_ok()) << url;
    if (!parsed.is_ok()) {
      EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace roomkeys
