#include "online_batch_receiver.h"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "soapOnlineBatchReceiverSoapService.h"

namespace gateway::testing {

struct OnlineBatchReceiver::Impl {
  std::string pki_dir;
  int port = 0;
  mutable std::mutex mutex;
  std::deque<Answer> script;
  std::vector<Call> calls;
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::unique_ptr<class Service> service;

  Answer next() {
    std::lock_guard<std::mutex> lock(mutex);
    if (script.empty()) return Answer::kOk;
    Answer a = script.front();
    script.pop_front();
    return a;
  }
};

class Service final : public OnlineBatchReceiverSoapService {
 public:
  explicit Service(OnlineBatchReceiver::Impl& impl) : impl_(impl) {}
  OnlineBatchReceiverSoapService* copy() override { return nullptr; }

  int ReceiveOnlineBatchExternalAttachment(_obr__ReceiveOnlineBatchExternalAttachment* in,
                                           _obr__ReceiveOnlineBatchExternalAttachmentResponse& out) override {
    OnlineBatchReceiver::Call call;
    call.sequence_number = in->sequenceNumber;
    if (soap->action) call.soap_action = soap->action;
    if (soap->http_content) call.content_type = soap->http_content;
    if (in->receiversReference) call.receivers_reference = *in->receiversReference;
    if (in->username) call.username = *in->username;
    if (in->passwd) call.password = *in->passwd;
    if (in->batch) call.batch = *in->batch;
    if (in->attachments) {
      call.attachments_size = in->attachments->__size;
      if (in->attachments->__ptr != nullptr && in->attachments->__size > 0) {
        call.attachments.assign(reinterpret_cast<const char*>(in->attachments->__ptr),
                                static_cast<std::size_t>(in->attachments->__size));
      }
    }
    call.answer = impl_.next();
    {
      std::lock_guard<std::mutex> lock(impl_.mutex);
      impl_.calls.push_back(call);
    }
    const char* code = nullptr;
    switch (call.answer) {
      case OnlineBatchReceiver::Answer::kFault: return soap_receiverfault("Receiver is down for maintenance", nullptr);
      case OnlineBatchReceiver::Answer::kOk: code = "OK"; break;
      case OnlineBatchReceiver::Answer::kFailed: code = "FAILED"; break;
      case OnlineBatchReceiver::Answer::kDoNotRetry: code = "FAILED_DO_NOT_RETRY"; break;
    }
    out.ReceiveOnlineBatchExternalAttachmentResult = soap_new_std__string(soap);
    *out.ReceiveOnlineBatchExternalAttachmentResult = std::string("<OnlineBatchReceipt><Result resultCode=\"") + code +
                                                      "\">answer " + code + "</Result></OnlineBatchReceipt>";
    return SOAP_OK;
  }

 private:
  OnlineBatchReceiver::Impl& impl_;
};

OnlineBatchReceiver::OnlineBatchReceiver(const std::string& pki_dir) : impl_(std::make_unique<Impl>()) {
  impl_->pki_dir = pki_dir;
  start();
}

OnlineBatchReceiver::~OnlineBatchReceiver() { stop(); }

std::string OnlineBatchReceiver::url() const {
  return "https://127.0.0.1:" + std::to_string(impl_->port) + "/OnlineBatchReceiver/OnlineBatchReceiver.asmx";
}

void OnlineBatchReceiver::script(std::initializer_list<Answer> answers) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->script.assign(answers.begin(), answers.end());
}

std::vector<OnlineBatchReceiver::Call> OnlineBatchReceiver::calls() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->calls;
}

void OnlineBatchReceiver::start() {
  if (impl_->service) return;
  auto service = std::make_unique<Service>(*impl_);
  soap* s = service->soap;
  soap_set_mode(s, SOAP_C_UTFSTRING);
  s->bind_flags = SO_REUSEADDR;
  s->accept_timeout = 1;
  s->recv_timeout = 2;
  s->send_timeout = 2;
  s->socket_flags = MSG_NOSIGNAL;
  const std::string dir = impl_->pki_dir;
  if (soap_ssl_server_context(s, SOAP_SSL_REQUIRE_CLIENT_AUTHENTICATION | SOAP_TLSv1_2 | SOAP_TLSv1_3, nullptr,
                              nullptr, (dir + "/ca/chain.pem").c_str(), nullptr, nullptr, nullptr, nullptr) != SOAP_OK ||
      s->ctx == nullptr || SSL_CTX_use_certificate_chain_file(s->ctx, (dir + "/server/server.pem").c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(s->ctx, (dir + "/server/server.key").c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("test receiver: TLS set-up failed");
  }
  if (!soap_valid_socket(service->bind("127.0.0.1", impl_->port, 16))) {
    throw std::runtime_error("test receiver: cannot bind port " + std::to_string(impl_->port));
  }
  if (impl_->port == 0) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    getsockname(s->master, reinterpret_cast<sockaddr*>(&addr), &len);
    impl_->port = ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }
  impl_->stopping = false;
  Service* raw = service.get();
  impl_->service = std::move(service);
  impl_->thread = std::thread([this, raw] {
    while (!impl_->stopping) {
      if (!soap_valid_socket(raw->accept())) continue;  // accept timeout: look at the flag again
      if (raw->ssl_accept() == SOAP_OK) raw->serve();   // keep-alive requests until idle or closed
      raw->destroy();
      soap_closesock(raw->soap);
    }
  });
}

void OnlineBatchReceiver::stop() {
  if (!impl_->service) return;
  impl_->stopping = true;
  impl_->thread.join();
  impl_->service.reset();  // closes the listening socket
}

}  // namespace gateway::testing
