#include "abi_responder.h"

namespace roomkeys {
namespace {

constexpr std::string_view kJson = "application/json";

}  // namespace

void AbiResponder::send(int http_status, std::string_view json_body) {
  if (state_ != State::kNone) return;
  state_ = State::kDone;
  api_.respond(responder_, static_cast<uint16_t>(http_status), abi_str(kJson), abi_str(json_body));
}

bool AbiResponder::begin(int http_status) {
  if (state_ != State::kNone) return false;
  state_ = State::kStreaming;
  return api_.respond_begin(responder_, static_cast<uint16_t>(http_status), abi_str(kJson)) ==
         MXM_OK;
}

bool AbiResponder::write(std::string_view chunk) {
  if (state_ != State::kStreaming) return false;
  return api_.respond_write(responder_, abi_str(chunk)) == MXM_OK;
}

bool AbiResponder::end() {
  if (state_ != State::kStreaming) return false;
  state_ = State::kDone;
  return api_.respond_end(responder_) == MXM_OK;
}

}  // namespace roomkeys
