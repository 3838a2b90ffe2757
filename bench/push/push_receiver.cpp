// push_receiver: a service owner's OnlineBatchReceiver for the push benchmark (scripts/bench.sh,
// BENCH_PUSH=1): the gSOAP service generated from wsdl/OnlineBatchReceiver.wsdl, answering every
// ReceiveOnlineBatchExternalAttachment with an OK receipt at once, over mutual TLS (the dev PKI's
// server certificate; client certificates must chain to its CA). One thread accepts; every connection
// gets its own thread (a copy of the service context) and is served keep-alive until it closes, so
// any number of the gateway's delivery threads are answered at once.
//
//   push_receiver --pki DIR [--port 0] [--ready-file FILE] [--expect N]
//
// With --expect N it prints, once the N-th call has been answered, a line
// "RESULT {"calls":N,"first_to_last_s":...,"per_s":...}" (rate from the first call to the N-th) and
// goes on serving. Every answered call counts (a redelivery counts again).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "soapOnlineBatchReceiverSoapService.h"

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<long> g_calls{0};
std::atomic<long> g_expect{0};
std::mutex g_first_mutex;
Clock::time_point g_first;

class Receiver final : public OnlineBatchReceiverSoapService {
 public:
  Receiver() = default;
  explicit Receiver(struct soap* copy) : OnlineBatchReceiverSoapService(copy) {}  // not owned
  OnlineBatchReceiverSoapService* copy() override { return nullptr; }

  int ReceiveOnlineBatchExternalAttachment(_obr__ReceiveOnlineBatchExternalAttachment*,
                                           _obr__ReceiveOnlineBatchExternalAttachmentResponse& out) override {
    out.ReceiveOnlineBatchExternalAttachmentResult = soap_new_std__string(soap);
    *out.ReceiveOnlineBatchExternalAttachmentResult =
        "<OnlineBatchReceipt><Result resultCode=\"OK\">received</Result></OnlineBatchReceipt>";
    const long n = ++g_calls;
    const auto now = Clock::now();
    if (n == 1) {
      std::lock_guard<std::mutex> lock(g_first_mutex);
      g_first = now;
    }
    if (n == g_expect.load()) {
      std::lock_guard<std::mutex> lock(g_first_mutex);
      const double s = std::chrono::duration<double>(now - g_first).count();
      std::printf("RESULT {\"calls\":%ld,\"first_to_last_s\":%.3f,\"per_s\":%.1f}\n", n, s,
                  s > 0 ? static_cast<double>(n - 1) / s : 0.0);
      std::fflush(stdout);
    }
    return SOAP_OK;
  }
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "push_receiver: " << problem
            << "\nusage: push_receiver --pki DIR [--port 0] [--ready-file FILE] [--expect N]\n";
  std::exit(2);
}

std::unique_ptr<Receiver> listen(const std::string& pki, int& port) {
  auto r = std::make_unique<Receiver>();
  soap* s = r->soap;
  soap_set_mode(s, SOAP_C_UTFSTRING | SOAP_IO_KEEPALIVE);
  s->bind_flags = SO_REUSEADDR;
  s->recv_timeout = 30;
  s->send_timeout = 30;
  s->socket_flags = MSG_NOSIGNAL;
  if (soap_ssl_server_context(s, SOAP_SSL_REQUIRE_CLIENT_AUTHENTICATION | SOAP_TLSv1_2 | SOAP_TLSv1_3, nullptr,
                              nullptr, (pki + "/ca/chain.pem").c_str(), nullptr, nullptr, nullptr, nullptr) != SOAP_OK ||
      s->ctx == nullptr || SSL_CTX_use_certificate_chain_file(s->ctx, (pki + "/server/server.pem").c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(s->ctx, (pki + "/server/server.key").c_str(), SSL_FILETYPE_PEM) != 1) {
    usage("TLS set-up failed with " + pki);
  }
  if (!soap_valid_socket(r->bind("127.0.0.1", port, 64))) usage("cannot bind port " + std::to_string(port));
  if (port == 0) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    getsockname(s->master, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string pki, ready_file;
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string v = argv[++i];
    if (flag == "--pki") pki = v;
    else if (flag == "--port") port = std::stoi(v);
    else if (flag == "--ready-file") ready_file = v;
    else if (flag == "--expect") g_expect = std::stol(v);
    else usage("unknown option " + flag);
  }
  if (pki.empty()) usage("--pki is required");
  soap_ssl_init();
  auto listening = listen(pki, port);
  if (!ready_file.empty()) std::ofstream(ready_file) << port << "\n";
  std::cerr << "push_receiver: listening on 127.0.0.1:" << port << "\n";
  for (;;) {
    if (!soap_valid_socket(listening->accept())) continue;
    struct soap* copy = soap_copy(listening->soap);  // shares the TLS context; owns the socket now
    listening->soap->socket = SOAP_INVALID_SOCKET;
    if (!copy) continue;
    std::thread([copy] {
      {
        Receiver connection(copy);
        if (connection.ssl_accept() == SOAP_OK) connection.serve();  // keep-alive until closed
      }
      soap_destroy(copy);
      soap_end(copy);
      soap_closesock(copy);
      soap_free(copy);
    }).detach();
  }
}
