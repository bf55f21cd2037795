// The upload clients really send, for bench/growth.sh: one user's backup of KEYS keys in rooms of
// 10 to 3000 sessions, real-looking Megolm session ids (43 characters of random base64, most with
// '+' or '/'), incompressible ~1.2 KB session data, and the keys shuffled across rooms (a client
// uploads in the order it received them) before being cut into 100-key bodies. Deterministic: the
// same seed gives the same keys in the same order, so roomkeys and the raw limit write the very
// same rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace roomkeys::bench {

struct WorkloadKey {
  std::string room_id;
  std::string session_id;
};

class GrowthWorkload {
 public:
  GrowthWorkload(long keys, uint64_t seed);

  long size() const { return static_cast<long>(keys_.size()); }
  const WorkloadKey& key(long i) const { return keys_[static_cast<size_t>(i)]; }
  // The session_data of key i: a JSON object of ~1.2 KB of random base64 (made on demand).
  std::string session_data(long i) const;
  // The PUT /room_keys/keys body of keys [first, first + count).
  std::string body(long first, long count) const;

 private:
  std::vector<WorkloadKey> keys_;
  uint64_t seed_;
};

}  // namespace roomkeys::bench
