// The "name = value" config files of roomkeys' programs (roomkeys-server.conf, read by the
// server and by roomkeys-admin alike).
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace roomkeys {

// The settings of a config file as flags: each "name = value" line becomes "--name value";
// blank lines and lines starting with '#' are skipped. Error text, or "" on success.
std::string read_config_file(const std::string& path, std::vector<std::string>& flags);
// The same from a stream; `name` names it in error text.
std::string read_config(std::istream& in, const std::string& name, std::vector<std::string>& flags);

}  // namespace roomkeys
