#pragma once
// The broker manifest and recipient-list schemas (gateway/broker/schemas/*.xsd), embedded at build
// time so gatewayd needs no schema files at run time. Static text, valid for the process's life.

namespace gateway::core {

const char* brokerManifestXsd();       // root BrokerServiceManifest
const char* brokerRecipientListXsd();  // root BrokerServiceRecipientList

}  // namespace gateway::core
