#include "services/archive_mapping.h"

#include <cstring>

#include "core/party_numbers.h"
#include "services/soap_values.h"

namespace gateway::services {
namespace {

xsd__base64Binary* toBase64(struct soap* soap, const std::string& bytes) {
  auto* b = soap_new_xsd__base64Binary(soap);
  b->__ptr = static_cast<unsigned char*>(soap_malloc(soap, bytes.size() + 1));
  std::memcpy(b->__ptr, bytes.data(), bytes.size());
  b->__size = static_cast<int>(bytes.size());
  return b;
}

arch13__ShipmentStatusExternal toWire(persistence::ShipmentStatus s) {
  switch (s) {
    case persistence::ShipmentStatus::kNotSent: return arch13__ShipmentStatusExternal__NotSent;
    case persistence::ShipmentStatus::kSent: return arch13__ShipmentStatusExternal__Sent;
    case persistence::ShipmentStatus::kError: return arch13__ShipmentStatusExternal__Error;
    case persistence::ShipmentStatus::kCorrelated: return arch13__ShipmentStatusExternal__Correlated;
    case persistence::ShipmentStatus::kNotSet: break;
  }
  return arch13__ShipmentStatusExternal__NotSet;
}

ra09__ArchivedFormBEList* toFormList(struct soap* soap, const persistence::ArchivedSubmission& s) {
  auto* list = soap_new_ra09__ArchivedFormBEList(soap);
  int form_id = 0;
  for (const auto& f : s.forms) {
    auto* form = soap_new_ra09__ArchivedFormBE(soap);
    form->DataFormatId = soapString(soap, f.data_format_id);
    form->DataFormatVersion = soapValue(soap, f.data_format_version);
    form->FormDataXML = soapString(soap, f.form_data);
    form->FormID = soapValue(soap, ++form_id);
    if (f.parent_reference) form->ParentReference = soapValue(soap, *f.parent_reference);
    list->ArchivedFormBE.push_back(form);
  }
  return list;
}

int reporteeElementId(const persistence::ArchivedSubmission& s) { return static_cast<int>(s.id); }

}  // namespace

dqs__DownloadQueueItemBE* toQueueItem(struct soap* soap, const persistence::QueueItem& item) {
  auto* out = soap_new_dqs__DownloadQueueItemBE(soap);
  out->ArchiveReference = soapString(soap, item.archive_reference);
  out->ArchivedDate = soapValue(soap, item.archived_at);
  out->ReporteeID = soapString(soap, item.reportee);
  out->ReporteeType = soapValue(soap, core::isValidOrganisationNumber(item.reportee)
                                          ? archenum__DownloadQueueReporteeType__Organisation
                                          : archenum__DownloadQueueReporteeType__Person);
  out->ServiceCode = soapString(soap, item.service_code);
  out->ServiceEditionCode = soapValue(soap, item.service_edition);
  return out;
}

ra12__ArchivedFormTaskDQBE* toArchivedFormTaskDQ(struct soap* soap, const core::ArchivedFormTask& task) {
  const auto& s = task.submission;
  auto* out = soap_new_ra12__ArchivedFormTaskDQBE(soap);
  out->ArchiveReference = soapString(soap, s.archive_reference);
  out->ArchiveTimeStamp = soapValue(soap, s.archived_at);
  out->Attachments = soap_new_ra12__ArchivedAttachmentExternalListDQBE(soap);
  for (const auto& a : task.attachments) {
    auto* att = soap_new_ra12__ArchivedAttachmentDQBE(soap);
    att->ArchiveReference = soapString(soap, s.archive_reference);
    att->AttachmentData = toBase64(soap, a.bytes);
    att->FileName = soapString(soap, a.meta.file_name);
    att->IsEncrypted = soapValue(soap, a.meta.encrypted);
    att->AttachmentId = soapValue(soap, static_cast<int>(a.meta.id));
    att->AttachmentTypeName = soapString(soap, a.meta.attachment_type_name);
    out->Attachments->ArchivedAttachmentDQBE.push_back(att);
  }
  out->AttachmentsInResponse = soapValue(soap, static_cast<int>(task.attachments.size()));
  if (s.case_id) out->CaseID = soapValue(soap, *s.case_id);
  out->Forms = soap_new_ra12__ArchivedFormListDQBE(soap);
  for (const auto& f : s.forms) {
    auto* form = soap_new_ra12__ArchivedFormDQBE(soap);
    form->DataFormatID = soapString(soap, f.data_format_id);
    form->DataFormatVersionID = soapValue(soap, f.data_format_version);
    form->FormData = soapString(soap, f.form_data);
    if (f.parent_reference) form->ParentReference = soapString(soap, std::to_string(*f.parent_reference));
    form->Reference = soapString(soap, f.end_user_system_reference);
    out->Forms->ArchivedFormDQBE.push_back(form);
  }
  out->FormsInResponse = soapValue(soap, static_cast<int>(s.forms.size()));
  out->Reportee = soapString(soap, s.reportee);
  out->ServiceCode = soapString(soap, s.service_code);
  out->ServiceEditionCode = soapString(soap, std::to_string(s.service_edition));
  return out;
}

ra10__ArchivedFormTaskV2* toArchivedFormTaskV2(struct soap* soap, const core::ArchivedFormTask& task,
                                               const std::string& owner_code) {
  const auto& s = task.submission;
  auto* out = soap_new_ra10__ArchivedFormTaskV2(soap);
  out->ArchivedAttachmentList = soap_new_ra10__ArchivedAttachmentBEV2List(soap);
  for (const auto& a : task.attachments) {
    auto* att = soap_new_ra10__ArchivedAttachmentBEV2(soap);
    att->AttachmentID = soapValue(soap, static_cast<int>(a.meta.id));
    att->AttachmentName = soapString(soap, a.meta.name);
    att->CreatedDateTime = soapValue(soap, s.archived_at);
    att->IsEncrypted = soapValue(soap, a.meta.encrypted);
    out->ArchivedAttachmentList->ArchivedAttachmentBEV2.push_back(att);
  }
  out->ArchivedDateTime = soapValue(soap, s.archived_at);
  out->ArchivedFormList = toFormList(soap, s);
  out->ExternalServiceCode = soapString(soap, s.service_code);
  out->ExternalServiceEditionCode = soapValue(soap, s.service_edition);
  out->LastChanged = soapValue(soap, s.archived_at);
  out->ReporteeElementID = soapValue(soap, reporteeElementId(s));
  out->ServiceOwner = soapString(soap, owner_code);
  out->ssnOrgNumber = soapString(soap, s.reportee);
  return out;
}

ra09__ArchivedFormTaskBE* toArchivedFormTaskV1(struct soap* soap, const core::ArchivedFormTask& task,
                                               const std::string& owner_code) {
  const auto& s = task.submission;
  auto* out = soap_new_ra09__ArchivedFormTaskBE(soap);
  out->ArchivedAttachmentList = soap_new_ra09__ArchivedAttachmentBEList(soap);
  for (const auto& a : task.attachments) {
    auto* att = soap_new_ra09__ArchivedAttachmentBE(soap);
    att->AttachmentID = soapValue(soap, static_cast<int>(a.meta.id));
    att->AttachmentName = soapString(soap, a.meta.name);
    out->ArchivedAttachmentList->ArchivedAttachmentBE.push_back(att);
  }
  out->ArchivedDateTime = soapValue(soap, s.archived_at);
  out->ArchivedFormList = toFormList(soap, s);
  out->ExternalServiceCode = soapString(soap, s.service_code);
  out->ExternalServiceEditionCode = soapValue(soap, s.service_edition);
  out->LastChanged = soapValue(soap, s.archived_at);
  out->ReporteeElementID = soapValue(soap, reporteeElementId(s));
  out->ServiceOwner = soapString(soap, owner_code);
  out->ssnOrgNumber = soapString(soap, s.reportee);
  return out;
}

shst__ArchiveShipmentStatusExternalBEV2List* toShipmentStatusV2(
    struct soap* soap, const persistence::SubmissionRepository::ShipmentPage& page) {
  auto* out = soap_new_shst__ArchiveShipmentStatusExternalBEV2List(soap);
  out->ArchiveShipmentStatusList = soap_new_shst__ArrayOfArchiveShipmentStatusExternalV2(soap);
  for (const auto& item : page.items) {
    auto* status = soap_new_shst__ArchiveShipmentStatusExternalV2(soap);
    status->ArchiveReference = soapString(soap, item.archive_reference);
    status->ServiceCode = soapString(soap, item.service_code);
    status->ServiceEditionCode = soapValue(soap, item.service_edition);
    status->TimeOfArchiving = soapValue(soap, item.archived_at);
    status->ShipmentStatusLog = soap_new_shst__ArrayOfShipmentStatusLogEntry(soap);
    for (const auto& entry : item.log) {
      auto* e = soap_new_shst__ShipmentStatusLogEntry(soap);
      e->ShipmentDescription = soapString(soap, entry.description);
      e->ShipmentStatus = soapValue(soap, toWire(entry.status));
      e->ShipmentStatusDateTime = soapValue(soap, entry.at);
      status->ShipmentStatusLog->ShipmentStatusLogEntry.push_back(e);
    }
    out->ArchiveShipmentStatusList->ArchiveShipmentStatusExternalV2.push_back(status);
  }
  out->LimitReached = soapValue(soap, page.limit_reached);
  return out;
}

shst__ArchiveShipmentStatusExternalBEList* toShipmentStatusV1(
    struct soap* soap, const persistence::SubmissionRepository::ShipmentPage& page) {
  auto* out = soap_new_shst__ArchiveShipmentStatusExternalBEList(soap);
  out->ArchiveShipmentStatusList = soap_new_shst__ArrayOfArchiveShipmentStatusExternal(soap);
  for (const auto& item : page.items) {
    auto* status = soap_new_shst__ArchiveShipmentStatusExternal(soap);
    status->ArchiveReference = soapString(soap, item.archive_reference);
    status->ServiceCode = soapString(soap, item.service_code);
    status->ServiceEditionCode = soapValue(soap, item.service_edition);
    status->TimeOfArchiving = soapValue(soap, item.archived_at);
    if (!item.log.empty()) {  // V1 reports only the latest state
      status->ShipmentStatus = soapValue(soap, toWire(item.log.back().status));
      status->ShipmentDate = soapValue(soap, item.log.back().at);
    }
    out->ArchiveShipmentStatusList->ArchiveShipmentStatusExternal.push_back(status);
  }
  out->LimitReached = soapValue(soap, page.limit_reached);
  return out;
}

persistence::SubmissionRepository::ShipmentQuery fromShipmentSearch(const shst__SearchArchiveShipmentStatusBE* search) {
  persistence::SubmissionRepository::ShipmentQuery q;
  if (!search) return q;
  if (search->ArchiveReference && !search->ArchiveReference->empty()) q.archive_reference = *search->ArchiveReference;
  if (const auto* s = search->ServiceReference) {
    q.service_code = textOf(s->ServiceCode);
    q.service_edition = optionalOf(s->ServiceEditionCode);
    q.from = optionalOf(s->DateFrom);
    q.to = optionalOf(s->DateTo);
  }
  return q;
}

}  // namespace gateway::services
