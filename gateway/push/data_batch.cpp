#include "data_batch.h"

#include <ctime>

#include "common/xml_text.h"
#include "push/attachment_zip.h"

namespace gateway::push {
namespace {

// CDATA cannot contain "]]>": split it across two sections.
std::string cdata(const std::string& s) {
  std::string out = "<![CDATA[";
  std::size_t from = 0;
  for (std::size_t at; (at = s.find("]]>", from)) != std::string::npos; from = at + 2) {
    out.append(s, from, at + 2 - from);
    out += "]]><![CDATA[";
  }
  out.append(s, from, std::string::npos);
  return out + "]]>";
}

void element(std::string& out, const char* name, const std::string& value) {
  out += '<';
  out += name;
  out += '>';
  out += xml::escaped(value);
  out += "</";
  out += name;
  out += '>';
}

}  // namespace

std::string buildDataBatch(const persistence::ArchivedSubmission& s, std::int64_t sequence_number, std::time_t now) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
  out += "<DataBatch schemaVersion=\"1.6\" batchReference=\"" + std::to_string(sequence_number) +
         "\" previousReference=\"" + std::to_string(sequence_number - 1) + "\" receiverReference=\"" +
         xml::escaped(s.archive_reference) + "\" timeStamp=\"" + xml::utcDateTime(now) +
         "\" formTasksInBatch=\"1\" formsInBatch=\"" + std::to_string(s.forms.size()) + "\">";
  out += "<DataUnits><DataUnit reportee=\"" + xml::escaped(s.reportee) + "\" archiveReference=\"" +
         xml::escaped(s.archive_reference) + "\" archiveTimeStamp=\"" + xml::utcDateTime(s.archived_at) + "\">";
  out += "<FormTask>";
  element(out, "ServiceCode", s.service_code);
  element(out, "ServiceEditionCode", std::to_string(s.service_edition));
  if (s.case_id) element(out, "CaseID", std::to_string(*s.case_id));
  for (const persistence::FormRecord& f : s.forms) {
    out += "<Form>";
    element(out, "DataFormatId", f.data_format_id);
    element(out, "DataFormatVersion", std::to_string(f.data_format_version));
    element(out, "Reference", f.end_user_system_reference);
    if (f.parent_reference) element(out, "ParentReference", std::to_string(*f.parent_reference));
    out += "<FormData>" + cdata(f.form_data) + "</FormData>";
    out += "</Form>";
  }
  out += "</FormTask>";
  if (!s.attachments.empty()) {
    out += "<Attachments>";
    for (const persistence::AttachmentRecord& a : s.attachments) {
      out += "<Attachment name=\"" + xml::escaped(a.name) + "\" filename=\"" + xml::escaped(a.file_name) +
             "\" attachmentTypeName=\"" + xml::escaped(a.attachment_type_name) + "\" encrypted=\"" +
             (a.encrypted ? "true" : "false") + "\" size=\"" + std::to_string(a.size) +
             "\" checksum=\"" + xml::escaped(a.sha256_hex) + "\" checksumAlgorithm=\"SHA-256\" zipEntry=\"" +
             xml::escaped(attachmentEntryName(a)) + "\"/>";
    }
    out += "</Attachments>";
  }
  out += "</DataUnit></DataUnits></DataBatch>";
  return out;
}

}  // namespace gateway::push
