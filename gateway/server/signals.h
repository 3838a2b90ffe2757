#pragma once
// Process-wide signal policy for the server.
//
// SIGPIPE is ignored: a client that closes while we write must cost one connection, not the
// process (OpenSSL writes with plain send(), so MSG_NOSIGNAL alone is not enough). SIGINT and
// SIGTERM are blocked in every thread and awaited synchronously by main with sigwait(), so no
// code runs in signal-handler context and shutdown is ordinary code.

namespace gateway::server {

void ignoreSigpipe();
// Blocks SIGINT and SIGTERM in the calling thread. Call from main before any thread starts (new
// threads inherit the mask), and before waitForShutdownSignal().
void blockShutdownSignals();
// Waits for SIGINT or SIGTERM and returns its number.
int waitForShutdownSignal();

}  // namespace gateway::server
