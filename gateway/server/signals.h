#pragma once
// Process-wide signal policy for the server.
//
// SIGPIPE is ignored: a client that closes while we write must cost one connection, not the
// process (OpenSSL writes with plain send(), so MSG_NOSIGNAL alone is not enough). SIGINT, SIGTERM
// (shut down) and SIGHUP (reload the CRL file) are blocked in every thread and awaited
// synchronously by main with sigwait(), so no code runs in signal-handler context: shutdown and
// reload are ordinary code.

namespace gateway::server {

void ignoreSigpipe();
// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread. Call from main before any thread starts
// (new threads inherit the mask), and before waitForServerSignal(). A SIGHUP that arrives before
// the first wait stays pending and is returned by it.
void blockServerSignals();
// Waits for SIGINT, SIGTERM or SIGHUP and returns its number.
int waitForServerSignal();

}  // namespace gateway::server
