#include "common/config_file.h"

#include <fstream>

namespace roomkeys {

std::string read_config_file(const std::string& path, std::vector<std::string>& flags) {
  std::ifstream in(path);
  if (!in) return "cannot read config file " + path;
  return read_config(in, path, flags);
}

std::string read_config(std::istream& in, const std::string& path,
                        std::vector<std::string>& flags) {
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto eq = line.find('=');
    auto trim = [](const std::string& text) {
      const auto begin = text.find_first_not_of(" \t\r");
      if (begin == std::string::npos) return std::string();
      return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
    };
    const std::string name = eq == std::string::npos ? "" : trim(line.substr(0, eq));
    if (name.empty() || name == "config") {
      return path + ":" + std::to_string(line_number) + ": expected \"name = value\"";
    }
    flags.push_back("--" + name);
    flags.push_back(trim(line.substr(eq + 1)));
  }
  return "";
}

}  // namespace roomkeys
