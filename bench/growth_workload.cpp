#include "growth_workload.h"

#include <algorithm>
#include <map>
#include <random>

namespace roomkeys::bench {
namespace {

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string random_base64(std::mt19937_64& random, size_t length) {
  std::string out(length, 'A');
  for (size_t i = 0; i < length; i += 10) {
    uint64_t bits = random();
    for (size_t j = i; j < std::min(length, i + 10); ++j, bits >>= 6) out[j] = kBase64[bits & 63];
  }
  return out;
}

}  // namespace

GrowthWorkload::GrowthWorkload(long keys, uint64_t seed) : seed_(seed) {
  std::mt19937_64 random(seed);
  const long sizes[] = {10, 30, 100, 300, 1000, 3000};
  keys_.reserve(static_cast<size_t>(keys));
  while (static_cast<long>(keys_.size()) < keys) {
    const long sessions = sizes[random() % 6];
    const std::string room = "!" + random_base64(random, 18) + ":example.org";
    for (long s = 0; s < sessions && static_cast<long>(keys_.size()) < keys; ++s) {
      keys_.push_back({room, random_base64(random, 43)});
    }
  }
  std::shuffle(keys_.begin(), keys_.end(), random);
}

std::string GrowthWorkload::session_data(long i) const {
  std::mt19937_64 random(seed_ ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(i + 1)));
  return R"({"ciphertext":")" + random_base64(random, 1096) + R"(","ephemeral":")" +
         random_base64(random, 43) + R"(","mac":")" + random_base64(random, 22) + "\"}";
}

std::string GrowthWorkload::body(long first, long count) const {
  std::map<std::string, std::vector<long>> rooms;  // JSON objects need each room once
  for (long i = first; i < first + count && i < size(); ++i) rooms[key(i).room_id].push_back(i);
  std::string out = R"({"rooms":{)";
  bool first_room = true;
  for (const auto& [room, members] : rooms) {
    out += (first_room ? "\"" : ",\"") + room + R"(":{"sessions":{)";
    first_room = false;
    bool first_session = true;
    for (long i : members) {
      out += (first_session ? "\"" : ",\"") + key(i).session_id +
             R"(":{"first_message_index":0,"forwarded_count":0,"is_verified":false,)"
             R"("session_data":)" +
             session_data(i) + "}";
      first_session = false;
    }
    out += "}}";
  }
  return out + "}}";
}

}  // namespace roomkeys::bench
