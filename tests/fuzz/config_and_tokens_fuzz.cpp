// The config file (through to the server's options it sets) and the tokens file: read or refused
// with a message, never a crash.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "common/config_file.h"
#include "server/options.h"
#include "server/token_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream config(text);
  std::vector<std::string> flags;
  if (roomkeys::read_config(config, "fuzz.conf", flags).empty()) {
    std::vector<char*> argv = {const_cast<char*>("roomkeys-server")};
    for (std::string& flag : flags) {
      if (flag == "--config") return 0;  // would read another file
      argv.push_back(flag.data());
    }
    auto parsed = roomkeys::server::parse_options(static_cast<int>(argv.size()), argv.data());
    if (!parsed.options && parsed.error.empty()) __builtin_trap();
  }
  std::istringstream tokens(text);
  roomkeys::server::TokenAuth auth;
  (void)auth.load(tokens, "tokens");
  return 0;
}
