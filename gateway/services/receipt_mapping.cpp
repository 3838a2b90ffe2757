#include "services/receipt_mapping.h"

#include "services/soap_values.h"

namespace gateway::services {
namespace {

using persistence::ReceiptStatus;

r09__ReceiptStatusEnum toWire(ReceiptStatus s) {
  switch (s) {
    case ReceiptStatus::kOk: return r09__ReceiptStatusEnum__OK;
    case ReceiptStatus::kUnExpectedError: return r09__ReceiptStatusEnum__UnExpectedError;
    case ReceiptStatus::kValidationFailed: return r09__ReceiptStatusEnum__ValidationFailed;
    case ReceiptStatus::kRejected: return r09__ReceiptStatusEnum__Rejected;
    case ReceiptStatus::kNotSet: break;
  }
  return r09__ReceiptStatusEnum__NotSet;
}

ReceiptStatus fromWire(r09__ReceiptStatusEnum s) {
  switch (s) {
    case r09__ReceiptStatusEnum__OK: return ReceiptStatus::kOk;
    case r09__ReceiptStatusEnum__UnExpectedError: return ReceiptStatus::kUnExpectedError;
    case r09__ReceiptStatusEnum__ValidationFailed: return ReceiptStatus::kValidationFailed;
    case r09__ReceiptStatusEnum__Rejected: return ReceiptStatus::kRejected;
    default: return ReceiptStatus::kNotSet;
  }
}

// Stored type/reference names are the enum value names; unknown names fall back to NotSet.
template <typename Enum, typename Parse>
Enum parseName(struct soap* soap, const std::string& name, Parse parse, Enum fallback) {
  Enum value = fallback;
  if (parse(soap, name.c_str(), &value) != SOAP_OK) {
    soap->error = SOAP_OK;
    return fallback;
  }
  return value;
}

shp__ReferenceType referenceType(struct soap* soap, const std::string& name) {
  return parseName(soap, name, soap_s2shp__ReferenceType, shp__ReferenceType__NotSet);
}

template <typename List, typename Member, typename Convert>
List* subList(struct soap* soap, const persistence::ReceiptRecord& r, List* (*make)(struct soap*, int), Member member,
              Convert convert) {
  if (r.sub_receipts.empty()) return nullptr;
  List* list = make(soap, -1);
  for (const auto& sub : r.sub_receipts) (list->*member).push_back(convert(soap, sub));
  return list;
}

}  // namespace

r09__ReceiptExternal* toReceiptExternal(struct soap* soap, const persistence::ReceiptRecord& r) {
  auto* out = soap_new_r09__ReceiptExternal(soap);
  out->LastChanged = soapValue(soap, r.last_changed);
  if (r.parent_id) out->ParentReceiptId = soapValue(soap, static_cast<int>(*r.parent_id));
  out->ReceiptHistory = soapString(soap, r.history);
  out->ReceiptId = soapValue(soap, static_cast<int>(r.id));
  out->ReceiptStatusCode = soapValue(soap, toWire(r.status));
  out->ReceiptText = soapString(soap, r.text);
  out->ReceiptTypeName = soapValue(soap, parseName(soap, r.type, soap_s2r09__ReceiptTypeEnum, r09__ReceiptTypeEnum__NotSet));
  if (!r.references.empty()) {
    out->References = soap_new_r09__ReferenceList(soap);
    for (const auto& ref : r.references) {
      auto* item = soap_new_r09__Reference(soap);
      item->ReferenceTypeName = soapValue(soap, referenceType(soap, ref.type));
      item->ReferenceValue = soapString(soap, ref.value);
      out->References->Reference.push_back(item);
    }
  }
  out->SubReceipts = subList(soap, r, soap_new_r09__ReceiptExternalList, &r09__ReceiptExternalList::ReceiptExternal, toReceiptExternal);
  return out;
}

r15__Receipt* toReceiptV2(struct soap* soap, const persistence::ReceiptRecord& r) {
  auto* out = soap_new_r15__Receipt(soap);
  out->LastChanged = soapValue(soap, r.last_changed);
  if (r.parent_id) out->ParentReceiptId = soapValue(soap, static_cast<int>(*r.parent_id));
  out->ReceiptHistory = soapString(soap, r.history);
  out->ReceiptId = soapValue(soap, static_cast<int>(r.id));
  out->ReceiptStatus = soapValue(soap, toWire(r.status));
  out->ReceiptText = soapString(soap, r.text);
  out->ReceiptType = soapValue(soap, parseName(soap, r.type, soap_s2r15__ReceiptType, r15__ReceiptType__NotSet));
  if (!r.references.empty()) {
    out->References = soap_new_r15__ReferenceList(soap);
    for (const auto& ref : r.references) {
      auto* item = soap_new_r15__Reference(soap);
      item->ReferenceType = referenceType(soap, ref.type);
      item->ReferenceValue = soapString(soap, ref.value);
      out->References->Reference.push_back(item);
    }
  }
  out->SubReceipts = subList(soap, r, soap_new_r15__ReceiptList, &r15__ReceiptList::Receipt, toReceiptV2);
  return out;
}

iib__ReceiptExternalBE* toReceiptExternalBE(struct soap* soap, const persistence::ReceiptRecord& r) {
  auto* out = soap_new_iib__ReceiptExternalBE(soap);
  out->ReceiptId = soapValue(soap, static_cast<int>(r.id));
  out->ReceiptText = soapString(soap, r.text);
  out->ReceiptHistory = soapString(soap, r.history);
  out->LastChanged = soapValue(soap, r.last_changed);
  out->ReceiptTypeName =
      soapValue(soap, parseName(soap, r.type, soap_s2iib__ReceiptTypeExternal, iib__ReceiptTypeExternal__NotSet));
  iib__ReceiptStatusExternal status = iib__ReceiptStatusExternal__NotSet;
  switch (r.status) {
    case persistence::ReceiptStatus::kOk: status = iib__ReceiptStatusExternal__OK; break;
    case persistence::ReceiptStatus::kUnExpectedError: status = iib__ReceiptStatusExternal__UnExpectedError; break;
    case persistence::ReceiptStatus::kValidationFailed: status = iib__ReceiptStatusExternal__ValidationFailed; break;
    case persistence::ReceiptStatus::kRejected: status = iib__ReceiptStatusExternal__Rejected; break;
    case persistence::ReceiptStatus::kNotSet: break;
  }
  out->ReceiptStatusCode = soapValue(soap, status);
  if (r.parent_id) out->ParentReceiptId = soapValue(soap, static_cast<int>(*r.parent_id));
  if (!r.references.empty()) {
    out->References = soap_new_iib__ArrayOfReferenceExternalBE(soap);
    for (const auto& ref : r.references) {
      auto* item = soap_new_iib__ReferenceExternalBE(soap);
      item->ReferenceValue = soapString(soap, ref.value);
      item->ReferenceTypeName =
          parseName(soap, ref.type, soap_s2iib__ReferenceTypeExternal, iib__ReferenceTypeExternal__NotSet);
      item->ReporteeID = 0;
      out->References->ReferenceBE.push_back(item);
    }
  }
  out->SubReceipts = subList(
      soap, r, soap_new_iib__ArrayOfReceiptExternalBE, &iib__ArrayOfReceiptExternalBE::ReceiptExternalBE, toReceiptExternalBE);
  return out;
}

std::vector<persistence::ReceiptReference> fromReferences(struct soap* soap, const r09__ReferenceList* list) {
  std::vector<persistence::ReceiptReference> refs;
  if (!list) return refs;
  for (const auto* ref : list->Reference) {
    if (!ref) continue;
    const char* type = ref->ReferenceTypeName ? soap_shp__ReferenceType2s(soap, *ref->ReferenceTypeName) : "NotSet";
    refs.push_back({type, textOf(ref->ReferenceValue)});
  }
  return refs;
}

std::vector<persistence::ReceiptReference> fromReferences(struct soap* soap, const r15__ReferenceList* list) {
  std::vector<persistence::ReceiptReference> refs;
  if (!list) return refs;
  for (const auto* ref : list->Reference) {
    if (!ref) continue;
    refs.push_back({soap_shp__ReferenceType2s(soap, ref->ReferenceType), textOf(ref->ReferenceValue)});
  }
  return refs;
}

persistence::ReceiptRepository::Update fromReceiptSave(struct soap* soap, const r15__ReceiptSave& save) {
  persistence::ReceiptRepository::Update u;
  if (save.ReceiptId) u.receipt_id = *save.ReceiptId;
  if (save.ArchiveReference && !save.ArchiveReference->empty()) u.archive_reference = *save.ArchiveReference;
  u.status = fromWire(save.ReceiptStatus);
  u.text = textOf(save.ReceiptText);
  u.add_references = fromReferences(soap, save.References);
  if (save.SubReceipts) {
    for (const auto* sub : save.SubReceipts->ReceiptSave) {
      if (sub) u.sub_receipts.push_back(fromReceiptSave(soap, *sub));
    }
  }
  return u;
}

persistence::ReceiptRepository::Update fromReceiptSave(struct soap* soap, const r09__ReceiptSaveExternal& save) {
  persistence::ReceiptRepository::Update u;
  if (save.ReceiptId) u.receipt_id = *save.ReceiptId;
  if (save.ArchiveReference && !save.ArchiveReference->empty()) u.archive_reference = *save.ArchiveReference;
  u.status = save.ReceiptStatusCode ? fromWire(*save.ReceiptStatusCode) : ReceiptStatus::kNotSet;
  u.text = textOf(save.ReceiptText);
  u.add_references = fromReferences(soap, save.References);
  if (save.SubReceipts) {
    for (const auto* sub : save.SubReceipts->ReceiptSaveExternal) {
      if (sub) u.sub_receipts.push_back(fromReceiptSave(soap, *sub));
    }
  }
  return u;
}

}  // namespace gateway::services
