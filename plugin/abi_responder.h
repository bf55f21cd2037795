// The core's Responder over the host's respond functions of the C ABI.
#pragma once

#include <roomkeys/mxm_module.h>

#include "api/api_types.h"

namespace roomkeys {

class AbiResponder final : public Responder {
 public:
  AbiResponder(const mxm_host_api& api, mxm_responder* responder)
      : api_(api), responder_(responder) {}

  void send(int http_status, std::string_view json_body) override;
  bool begin(int http_status) override;
  bool write(std::string_view chunk) override;
  bool end() override;

  // Nothing has been sent yet, so an error can still be answered.
  bool untouched() const { return state_ == State::kNone; }

 private:
  enum class State { kNone, kStreaming, kDone };
  const mxm_host_api& api_;
  mxm_responder* responder_;
  State state_ = State::kNone;
};

// Borrowed view of a C ABI string.
inline std::string_view view(mxm_str s) { return s.len ? std::string_view(s.ptr, s.len) : ""; }
inline mxm_str abi_str(std::string_view s) { return mxm_str{s.data(), s.size()}; }

}  // namespace roomkeys
