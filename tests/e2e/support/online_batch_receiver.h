#pragma once
// A service owner's OnlineBatchReceiver for the push-channel tests: the gSOAP service generated from
// wsdl/OnlineBatchReceiver.wsdl, served on 127.0.0.1 over mutual TLS (the dev PKI's server
// certificate; client certificates must chain to the dev CA) from one background thread.
// Answers follow a script (then OK); every call is recorded. stop() closes the port (the gateway sees
// "connection refused"); start() opens the same port again. Thread-safe.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gateway::testing {

class OnlineBatchReceiver {
 public:
  enum class Answer { kOk, kFailed, kDoNotRetry, kFault };
  struct Call {
    std::int64_t sequence_number = 0;
    std::string receivers_reference, username, password, batch;
    std::string soap_action;    // the SOAPAction HTTP header as received
    std::string content_type;   // the HTTP Content-Type as received
    int attachments_size = -1;  // -1: element absent
    std::string attachments;    // the attachments bytes (a ZIP when not empty)
    Answer answer = Answer::kOk;
  };

  // pki_dir: the dev PKI (server/server.pem, server/server.key, ca/chain.pem). Starts at once on a
  // free port; throws std::runtime_error when it cannot.
  explicit OnlineBatchReceiver(const std::string& pki_dir);
  ~OnlineBatchReceiver();

  std::string url() const;  // https://127.0.0.1:<port>/OnlineBatchReceiver/OnlineBatchReceiver.asmx
  void script(std::initializer_list<Answer> answers);
  std::vector<Call> calls() const;
  void stop();
  void start();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gateway::testing
