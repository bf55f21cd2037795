// The HTTP limit for the read benchmarks: Pistache, configured like roomkeys-server (same
// threads, same headers, keep-alive), answering every request with {} and no database.
//   roomkeys-bench-empty PORT THREADS
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <signal.h>

#include <cstdio>
#include <string>

#include "common/stop_signals.h"

namespace {

using namespace Pistache;

class EmptyHandler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(EmptyHandler)

  void onRequest(const Http::Request& request, Http::ResponseWriter response) override {
    auto& headers = response.headers();
    if (request.version() == Http::Version::Http11 &&
        !request.headers().has<Http::Header::Connection>()) {
      headers.remove<Http::Header::Connection>();
      headers.add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    }
    headers.add<Http::Header::AccessControlAllowOrigin>("*");
    headers.add<Http::Header::AccessControlAllowMethods>("GET, POST, PUT, DELETE, OPTIONS");
    headers.add<Http::Header::AccessControlAllowHeaders>(
        "X-Requested-With, Content-Type, Authorization");
    response.send(Http::Code::Ok, "{}", MIME(Application, Json));
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: roomkeys-bench-empty PORT THREADS\n");
    return 2;
  }
  const sigset_t signals = roomkeys::block_stop_signals();
  Http::Endpoint endpoint(Address("127.0.0.1", Port(static_cast<uint16_t>(std::stoi(argv[1])))));
  endpoint.init(
      Http::Endpoint::options().threads(std::stoi(argv[2])).flags(Tcp::Options::ReuseAddr));
  endpoint.setHandler(Http::make_handler<EmptyHandler>());
  endpoint.serveThreaded();
  std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(endpoint.getPort()));
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  endpoint.shutdown();
  return 0;
}
