// roomkeys-admin: operator commands on the database roomkeys-server serves.
//   roomkeys-admin [--config FILE | --database URL] COMMAND [ARGS]
// Exit status: 0 done, 1 failed (the reason on stderr), 2 usage.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "admin/stats_report.h"
#include "admin/synapse_import.h"
#include "admin/synapse_source.h"
#include "common/config_file.h"
#include "core/key_backup_service.h"
#include "storage/soci_repository.h"

namespace roomkeys::admin {
namespace {

const char* const kUsage = R"(usage: roomkeys-admin [--config FILE | --database URL] COMMAND [ARGS]

The database is the one roomkeys-server uses: the "database" setting of its config file
(--config), or a URL (--database sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DATABASE).
Safe to run while servers are serving the same database.

commands:
  import-synapse SYNAPSE_DB_URL [--user USER_ID]... [--dry-run]
      Copy every key backup of Synapse's database (sqlite:PATH to homeserver.db, or
      postgresql://USER:PASSWORD@HOST:PORT/DBNAME[?sslmode=...]) into roomkeys, keeping
      version ids and etags; merges with what roomkeys holds, so it is safe to repeat.
      Each user is imported whole or not at all. --dry-run writes nothing.
  purge-user USER_ID     delete all of a user's keys and mark their versions deleted
  purge-room ROOM_ID     delete a room's keys from every user's backups
  stats [USER_ID]        what is stored: totals (users, versions, keys, bytes), or one user's
                         versions with algorithm, key count, etag and deleted flag; never key
                         material
)";

struct Command {
  std::string database = "sqlite:roomkeys.db";
  std::string name;
  std::vector<std::string> args;
};

int usage_error(const std::string& message) {
  std::cerr << "roomkeys-admin: " << message << "\n\n" << kUsage;
  return 2;
}

// "" or the error; `command` filled from argv.
std::string parse(int argc, char** argv, Command& command) {
  int i = 1;
  for (; i < argc && command.name.empty(); ++i) {
    const std::string arg = argv[i];
    if (arg == "--database" || arg == "--config") {
      if (i + 1 >= argc) return arg + " needs a value";
      const std::string value = argv[++i];
      if (arg == "--database") {
        command.database = value;
        continue;
      }
      std::vector<std::string> flags;
      if (std::string error = read_config_file(value, flags); !error.empty()) return error;
      for (size_t f = 0; f + 1 < flags.size(); f += 2) {
        if (flags[f] == "--database") command.database = flags[f + 1];
      }
    } else if (arg.rfind("--", 0) == 0) {
      return "unknown option " + arg;
    } else {
      command.name = arg;
    }
  }
  if (command.name.empty()) return "no command given";
  for (; i < argc; ++i) command.args.emplace_back(argv[i]);
  return "";
}

int import_command(Repository& repository, const std::vector<std::string>& args) {
  ImportOptions options;
  std::string url;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--dry-run") {
      options.dry_run = true;
    } else if (args[i] == "--user") {
      if (i + 1 >= args.size()) return usage_error("--user needs a value");
      options.users.push_back(args[++i]);
    } else if (url.empty() && args[i].rfind("--", 0) != 0) {
      url = args[i];
    } else {
      return usage_error("unexpected argument " + args[i]);
    }
  }
  if (url.empty()) return usage_error("import-synapse needs the Synapse database URL");
  auto source = SynapseSource::open(url);
  if (!source.is_ok()) {
    std::cerr << "roomkeys-admin: " << source.status().message() << "\n";
    return source.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  return import_synapse(repository, *source.value(), options, stdout, stderr);
}

int purge_command(Repository& repository, const Command& command) {
  if (command.args.size() != 1 || command.args[0].empty()) {
    return usage_error(command.name + " takes one id");
  }
  KeyBackupService service(repository, {});
  const bool user = command.name == "purge-user";
  Status status = user ? service.purge_user(command.args[0]) : service.purge_room(command.args[0]);
  if (!status.is_ok()) {
    std::cerr << "roomkeys-admin: " << command.name << " failed: " << status.message() << "\n";
    return 1;
  }
  std::cout << (user ? "purged user " : "purged room ") << command.args[0] << "\n";
  return 0;
}

int stats_command(Repository& repository, const Command& command) {
  if (command.args.size() > 1 || (command.args.size() == 1 && command.args[0].empty())) {
    return usage_error("stats takes at most one user id");
  }
  KeyBackupService service(repository, {});
  return print_stats(service, command.args.empty() ? "" : command.args[0], stdout, stderr);
}

int run(int argc, char** argv) {
  Command command;
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (std::string error = parse(argc, argv, command); !error.empty()) return usage_error(error);
  const bool known = command.name == "import-synapse" || command.name == "purge-user" ||
                     command.name == "purge-room" || command.name == "stats";
  if (!known) return usage_error("unknown command " + command.name);

  RepositoryOptions options;
  options.database_url = command.database;
  options.pool_size = 1;
  // One pass in key order needs no large cache, and a memory map would count the whole file
  // into the tool's resident memory: the tool stays small beside a running server.
  options.sqlite.writer_cache_mb = 16;
  options.sqlite.mmap_mb = 0;
  options.log_error = [](std::string_view message) {
    std::cerr << "roomkeys-admin: " << message << "\n";
  };
  auto repository = open_soci_repository(options);
  if (!repository.is_ok()) {
    std::cerr << "roomkeys-admin: " << repository.status().message() << "\n";
    return repository.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  // The same migrations as the server: the tool may be the first to open a new database.
  if (Status status = repository.value()->migrate(); !status.is_ok()) {
    std::cerr << "roomkeys-admin: " << status.message() << "\n";
    return 1;
  }
  if (command.name == "import-synapse") return import_command(*repository.value(), command.args);
  if (command.name == "stats") return stats_command(*repository.value(), command);
  return purge_command(*repository.value(), command);
}

}  // namespace
}  // namespace roomkeys::admin

int main(int argc, char** argv) { return roomkeys::admin::run(argc, argv); }
