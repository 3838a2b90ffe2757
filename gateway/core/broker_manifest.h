#pragma once
// A broker shipment's manifest and recipient list (namespace
// http://schema.altinn.no/services/ServiceEngine/Broker/2015/06): their XML form, validated with
// libxml2 against the project's schemas (broker_schemas.h), and the values the broker needs.
// The SOAP InitiateBrokerServiceBasic call is turned into these documents and validated the same
// way as the files an SFTP sender puts in its ZIP (manifest.xml, recipients.xml), so both channels
// obey one set of rules. Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gateway::core {

inline constexpr const char* kBrokerManifestNamespace = "http://schema.altinn.no/services/ServiceEngine/Broker/2015/06";

struct BrokerManifestFile {
  std::string file_name;
  std::string checksum;  // may be empty
};

struct BrokerManifestProperty {
  std::string key;
  std::string value;
};

struct BrokerManifest {
  std::string service_code;
  int service_edition = 0;
  std::string senders_reference;
  std::string reportee;  // the sender: organisation or national identity number
  std::vector<BrokerManifestFile> files;
  std::vector<BrokerManifestProperty> properties;
};

// The manifest as a BrokerServiceManifest document (UTF-8, no SentDate).
std::string manifestXml(const BrokerManifest& manifest);
// The recipients as a BrokerServiceRecipientList document.
std::string recipientListXml(const std::vector<std::string>& recipients);

// Both: kInvalidArgument naming the problem when the text is not well-formed XML, carries a DOCTYPE,
// is larger than 1 MiB, does not satisfy the schema (the schema validator's first message, e.g.
// "Element 'Reportee': ... not accepted by the pattern"), or a party number fails its check digits.
Result<BrokerManifest> parseManifest(std::string_view xml);
// Recipients in document order; a party number given twice is kInvalidArgument.
Result<std::vector<std::string>> parseRecipientList(std::string_view xml);

}  // namespace gateway::core
