// A server stops in one place: its main thread waits for SIGINT or SIGTERM with sigwait, so
// no other thread may take them.
#pragma once

#include <signal.h>

namespace roomkeys {

// Blocks SIGINT and SIGTERM in the calling thread, and so in every thread it starts afterwards;
// returns that set, for sigwait.
sigset_t block_stop_signals();

}  // namespace roomkeys
