#pragma once
// The gSOAP client of a service owner's OnlineBatchReceiver (wsdl/OnlineBatchReceiver.wsdl): SOAP 1.1,
// SOAPAction http://AltInn.no/webservices/ReceiveOnlineBatchExternalAttachment, over HTTPS only,
// presenting the gateway's own client certificate and verifying the receiver's certificate (chain to
// `ca_bundle`, host name) before anything is sent.

#include <memory>
#include <string>

#include "common/status.h"
#include "push/receiver_client.h"

namespace gateway::services {

struct ReceiverClientConfig {
  std::string client_certificate;  // PEM chain the gateway presents
  std::string client_key;          // its private key (PEM)
  std::string ca_bundle;           // trust anchors for receivers' certificates (PEM)
  int connect_timeout_seconds = 10;
  int io_timeout_seconds = 30;     // send and receive
};

// Checks that the files load (kInvalidArgument names the bad one). Each client keeps one connection
// (keep-alive) to the receiver it last talked to. Never logs the password or the batch.
Result<std::unique_ptr<push::ReceiverClient>> makeOnlineBatchReceiverClient(const ReceiverClientConfig& config);

}  // namespace gateway::services
