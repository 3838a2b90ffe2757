#pragma once
// gSOAP client proxies (generated from the same WSDLs as the server) pointed at the gateway under
// test with a given identity's certificate, plus fault inspection.

#include <memory>
#include <optional>
#include <string>

#include "gateway_under_test.h"
#include "soapBasicHttpBinding_USCOREIArchiveCommonAgencyExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIBrokerServiceExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIDownloadQueueExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryInboundExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIReceiptAgencyExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryPrefillExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIPreFillExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIRegisterSRRAgencyExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIServiceOwnerArchiveExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREISubscriptionExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREINotificationAgencyExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREICorrespondenceAgencyExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREICorrespondenceExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryInboundExternalBasicStreamedProxy.h"
#include "soapBasicHttpBinding_USCOREIServiceOwnerArchiveExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIServiceOwnerArchiveExternalStreamedBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIBatchLoggingAgencyExternalBasicProxy.h"

namespace gateway::testing {

using InboundProxy = BasicHttpBinding_USCOREIIntermediaryInboundExternalBasicProxy;
using ReceiptProxy = BasicHttpBinding_USCOREIReceiptAgencyExternalBasicProxy;
using QueueProxy = BasicHttpBinding_USCOREIDownloadQueueExternalBasicProxy;
using ArchiveProxy = BasicHttpBinding_USCOREIServiceOwnerArchiveExternalBasicProxy;
using ArchiveCommonProxy = BasicHttpBinding_USCOREIArchiveCommonAgencyExternalBasicProxy;
using PreFillProxy = BasicHttpBinding_USCOREIPreFillExternalBasicProxy;
using SubscriptionProxy = BasicHttpBinding_USCOREISubscriptionExternalBasicProxy;
using IntermediaryPrefillProxy = BasicHttpBinding_USCOREIIntermediaryPrefillExternalBasicProxy;
using ServiceRightsProxy = BasicHttpBinding_USCOREIRegisterSRRAgencyExternalBasicProxy;
using NotificationProxy = BasicHttpBinding_USCOREINotificationAgencyExternalBasicProxy;
using CorrespondenceAgencyProxy = BasicHttpBinding_USCOREICorrespondenceAgencyExternalBasicProxy;
using CorrespondenceExternalProxy = BasicHttpBinding_USCOREICorrespondenceExternalBasicProxy;
using InboundStreamedProxy = BasicHttpBinding_USCOREIIntermediaryInboundExternalBasicStreamedProxy;
using ArchiveStreamedProxy = BasicHttpBinding_USCOREIServiceOwnerArchiveExternalStreamedBasicProxy;
using BatchLoggingProxy = BasicHttpBinding_USCOREIBatchLoggingAgencyExternalBasicProxy;
// Both broker WSDLs share a namespace: one proxy has the Basic and the streamed operations; point it
// at kBrokerPath or kBrokerStreamedPath.
using BrokerProxy = BasicHttpBinding_USCOREIBrokerServiceExternalBasicProxy;

inline const char* const kInboundPath = "/IntermediaryExternal/IntermediaryInboundBasic.svc";
inline const char* const kReceiptAgencyPath = "/IntermediaryExternal/ReceiptAgencyExternalBasic.svc";
inline const char* const kReceiptExternalPath = "/IntermediaryExternal/ReceiptExternalBasic.svc";
inline const char* const kQueuePath = "/ArchiveExternal/DownloadQueueExternalBasic.svc";
inline const char* const kArchivePath = "/ArchiveExternal/ServiceOwnerArchiveExternalBasic.svc";
inline const char* const kArchiveCommonPath = "/ArchiveExternal/ArchiveCommonAgencyExternalBasic.svc";
inline const char* const kPreFillPath = "/ServiceEngineExternal/PreFillBasic.svc";
inline const char* const kSubscriptionPath = "/ServiceEngineExternal/SubscriptionBasic.svc";
inline const char* const kIntermediaryPrefillPath = "/IntermediaryExternal/IntermediaryPrefillBasic.svc";
inline const char* const kServiceRightsPath = "/RegisterExternal/RegisterSRRAgencyExternalBasic.svc";
inline const char* const kNotificationPath = "/ServiceEngineExternal/NotificationAgencyExternalBasic.svc";
inline const char* const kCorrespondenceAgencyPath = "/ServiceEngineExternal/CorrespondenceAgencyExternalBasic.svc";
inline const char* const kCorrespondenceExternalPath = "/IntermediaryExternal/CorrespondenceExternalBasic.svc";
inline const char* const kInboundStreamedPath = "/IntermediaryExternal/IntermediaryInboundBasicStreamed.svc";
inline const char* const kArchiveStreamedPath = "/ArchiveExternal/ServiceOwnerArchiveExternalStreamedBasic.svc";
inline const char* const kBatchLoggingPath = "/IntermediaryExternal/BatchLoggingAgencyExternalBasic.svc";
inline const char* const kBrokerPath = "/ServiceEngineExternal/BrokerServiceExternalBasic.svc";
inline const char* const kBrokerStreamedPath = "/ServiceEngineExternal/BrokerServiceExternalBasicStreamed.svc";

// A proxy whose endpoint string lives as long as the proxy.
template <typename Proxy>
struct Client {
  std::string endpoint;
  std::unique_ptr<Proxy> proxy;
  Proxy* operator->() { return proxy.get(); }
};

template <typename Proxy>
Client<Proxy> client(const std::string& path, const std::string& identity) {
  Client<Proxy> c;
  c.endpoint = gatewayUnderTest().url(path);
  c.proxy = std::make_unique<Proxy>(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
  c.proxy->soap_endpoint = c.endpoint.c_str();
  c.proxy->soap->connect_timeout = 5;
  c.proxy->soap->recv_timeout = 10;
  c.proxy->soap->send_timeout = 10;
  if (gatewayUnderTest().configureClient(c.proxy->soap, identity) != SOAP_OK) {
    throw std::runtime_error("cannot set up TLS client for " + identity);
  }
  return c;
}

// The AltinnFault detail of the last call, when the call ended in one.
inline const fault__AltinnFault* altinnFault(struct soap* soap) {
  if (!soap->fault) return nullptr;
  const SOAP_ENV__Detail* d = soap->fault->detail ? soap->fault->detail : soap->fault->SOAP_ENV__Detail;
  return d ? d->fault__AltinnFault_ : nullptr;
}

inline std::optional<int> altinnErrorId(struct soap* soap) {
  const auto* f = altinnFault(soap);
  if (!f || !f->ErrorID) return std::nullopt;
  return *f->ErrorID;
}

}  // namespace gateway::testing
