#include "server/signals.h"

#include <pthread.h>
#include <signal.h>

namespace gateway::server {
namespace {

sigset_t serverSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void ignoreSigpipe() {
  struct sigaction action {};
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  sigaction(SIGPIPE, &action, nullptr);
}

void blockServerSignals() {
  sigset_t set = serverSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int waitForServerSignal() {
  sigset_t set = serverSignals();
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) == 0) return signal;
  }
}

}  // namespace gateway::server
