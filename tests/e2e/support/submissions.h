#pragma once
// Building SubmitFormTaskBasic requests for the end-to-end tests.

#include <cstring>
#include <string>
#include <vector>

#include "soap_clients.h"

namespace gateway::testing {

struct SubmissionSpec {
  std::string reportee = "910000306";
  std::string service_code = "4711";
  int service_edition = 1;
  std::string data_format_id = "5703";
  int data_format_version = 34;
  std::string end_user_reference;
  std::string form_data = "<Skjema><Navn>Blåbær Ærlig Øvre</Navn><Beløp>1200</Beløp></Skjema>";
  std::string attachment;  // empty: no attachment
  struct Attachment {
    std::string file_name, bytes;
  };
  std::vector<Attachment> more_attachments;  // after `attachment`, each with its own file name
  int parent_reference = 0;  // > 0: the main form's ParentReference (a PrefillId)
};

// Submits with `identity`'s system; returns the gSOAP result code, receipt in `receipt` on success.
inline int submit(Client<InboundProxy>& c, const Identity& identity, const SubmissionSpec& spec,
                  iib__ReceiptExternalBE** receipt) {
  struct soap* soap = c->soap;
  _iib__SubmitFormTaskBasic req;
  _iib__SubmitFormTaskBasicResponse resp;
  req.systemUserName = identity.system_user;
  req.systemPassword = identity.system_password;
  auto* shipment = soap_new_iib__FormTaskShipmentBE(soap);
  shipment->Reportee = soap_new_std__string(soap);
  *shipment->Reportee = spec.reportee;
  shipment->ExternalShipmentReference = soap_new_std__string(soap);
  *shipment->ExternalShipmentReference = "ext-" + spec.end_user_reference;
  shipment->FormTasks = soap_new_iib__FormTask(soap);
  shipment->FormTasks->ServiceCode = soap_new_std__string(soap);
  *shipment->FormTasks->ServiceCode = spec.service_code;
  shipment->FormTasks->ServiceEdition = static_cast<int*>(soap_malloc(soap, sizeof(int)));
  *shipment->FormTasks->ServiceEdition = spec.service_edition;
  shipment->FormTasks->Forms = soap_new_iib__ArrayOfForm(soap);
  auto* form = soap_new_iib__Form(soap);
  form->DataFormatId = soap_new_std__string(soap);
  *form->DataFormatId = spec.data_format_id;
  form->DataFormatVersion = static_cast<int*>(soap_malloc(soap, sizeof(int)));
  *form->DataFormatVersion = spec.data_format_version;
  form->EndUserSystemReference = soap_new_std__string(soap);
  *form->EndUserSystemReference = spec.end_user_reference;
  form->FormData = soap_new_std__string(soap);
  *form->FormData = spec.form_data;
  if (spec.parent_reference > 0) {
    form->ParentReference = static_cast<int*>(soap_malloc(soap, sizeof(int)));
    *form->ParentReference = spec.parent_reference;
  }
  shipment->FormTasks->Forms->Form.push_back(form);
  if (!spec.attachment.empty()) {
    shipment->Attachments = soap_new_iib__ArrayOfAttachment(soap);
    auto* a = soap_new_iib__Attachment(soap);
    a->Name = soap_new_std__string(soap);
    *a->Name = "vedlegg";
    a->FileName = soap_new_std__string(soap);
    *a->FileName = "vedlegg.txt";
    a->AttachementData = soap_new_xsd__base64Binary(soap);
    a->AttachementData->__ptr = reinterpret_cast<unsigned char*>(soap_strdup(soap, spec.attachment.c_str()));
    a->AttachementData->__size = static_cast<int>(spec.attachment.size());
    shipment->Attachments->Attachment.push_back(a);
  }
  for (const SubmissionSpec::Attachment& more : spec.more_attachments) {
    if (!shipment->Attachments) shipment->Attachments = soap_new_iib__ArrayOfAttachment(soap);
    auto* a = soap_new_iib__Attachment(soap);
    a->Name = soap_new_std__string(soap);
    *a->Name = "vedlegg " + more.file_name;
    a->FileName = soap_new_std__string(soap);
    *a->FileName = more.file_name;
    a->AttachementData = soap_new_xsd__base64Binary(soap);
    a->AttachementData->__ptr = static_cast<unsigned char*>(soap_malloc(soap, more.bytes.size() + 1));
    std::memcpy(a->AttachementData->__ptr, more.bytes.data(), more.bytes.size());
    a->AttachementData->__size = static_cast<int>(more.bytes.size());
    shipment->Attachments->Attachment.push_back(a);
  }
  req.formTaskShipment = shipment;
  int rc = c->SubmitFormTaskBasic(&req, resp);
  if (rc == SOAP_OK && receipt) *receipt = resp.SubmitFormTaskBasicResult;
  return rc;
}

inline std::string archiveReferenceOf(const iib__ReceiptExternalBE* receipt) {
  if (!receipt || !receipt->References) return "";
  for (const auto* ref : receipt->References->ReferenceBE) {
    if (ref && ref->ReferenceTypeName == iib__ReferenceTypeExternal__ArchiveReference && ref->ReferenceValue) {
      return *ref->ReferenceValue;
    }
  }
  return "";
}

}  // namespace gateway::testing
