#!/usr/bin/python3
"""Interoperability check with a foreign SOAP client (Debian's python3-zeep).

Loads the *reference* Altinn 2 WSDLs for DownloadQueue, ServiceOwnerArchive, ReceiptAgency and
ReceiptExternal, points them at a running gateway, and drives the whole submission flow;
SubmitFormTaskBasic, the ArchiveCommon search and the two streamed services (no Basic reference WSDL
exists for any of them) are driven from the WSDLs the gateway serves at ?wsdl.

Usage: /usr/bin/python3 zeep_flow.py --dev-env .local/dev-env.json [--reference-dir DIR]
The dev-env file has the shape of the contract's .local/dev-env.json. Exit 0 when every check
passed; prints one line per check and a closing 'N passed, N failed' line.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import sys
import uuid

import requests
import zeep
from zeep.transports import Transport

DQ = "http://www.altinn.no/services/Archive/DownloadQueue/2012/08"
SOA = "http://www.altinn.no/services/Archive/ServiceOwnerArchive/2009/10"
RCPT = "http://www.altinn.no/services/Intermediary/Receipt/2009/10"
IIB = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2009/10"
ACOM = "http://www.altinn.no/services/Archive/ArchiveCommon/2009/10"
IIBS = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2013/06"
SOAS = "http://www.altinn.no/services/Archive/ServiceOwnerArchive/2013/06"

REFERENCE_FILES = {
    "dq": "DownloadQueueExternal/DownloadQueueExternalBasic.wsdl",
    "soa": "ServiceOwnerArchiveExternal/ServiceOwnerArchiveExternalBasic.wsdl",
    "agency_receipts": "ReceiptAgencyExternal/ReceiptAgencyExternalBasic.wsdl",
    "enduser_receipts": "ReceiptExternal/ReceiptExternalBasic.wsdl",
}

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def items(value, name):
    """Children of an array wrapper; zeep flattens single-child wrappers into plain lists."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return getattr(value, name) or []


def transport(env, identity):
    session = requests.Session()
    # Otherwise REQUESTS_CA_BUNDLE (set on many machines) silently replaces `verify` (requests #3829),
    # and proxy variables could route loopback traffic elsewhere.
    session.trust_env = False
    session.verify = env["ca_certificate"]
    ident = env["identities"][identity]
    session.cert = (ident["certificate"], ident["key"])
    return Transport(session=session, timeout=30, operation_timeout=30)


def service(env, identity, wsdl, binding, path):
    client = zeep.Client(wsdl, transport=transport(env, identity))
    return client, client.create_service(binding, env["base_url"] + path)


def fault_error_id(fault):
    """ErrorID from the AltinnFault detail of a zeep Fault."""
    if fault.detail is None:
        return None
    for element in fault.detail.iter():
        if element.tag.endswith("}ErrorID") or element.tag == "ErrorID":
            return int(element.text)
    return None


def submit(env, reference):
    enduser = env["identities"]["enduser"]
    svc = next(s for s in env["services"] if s["owner"] == "agency")
    wsdl = env["base_url"] + "/IntermediaryExternal/IntermediaryInboundBasic.svc?wsdl"
    client, inbound = service(env, "enduser", wsdl, f"{{{IIB}}}BasicHttpBinding_IIntermediaryInboundExternalBasic",
                              "/IntermediaryExternal/IntermediaryInboundBasic.svc")
    shipment = {
        "Reportee": enduser["reportees"][0],
        "ExternalShipmentReference": "zeep-" + reference,
        "FormTasks": {
            "ServiceCode": svc["service_code"],
            "ServiceEdition": svc["service_edition"],
            "Forms": {"Form": [{
                "Completed": True,
                "DataFormatId": svc["data_format_id"],
                "DataFormatVersion": svc["data_format_version"],
                "EndUserSystemReference": reference,
                "FormData": "<Skjema><Navn>Ærlig Øystein Åsen</Navn></Skjema>",
            }]},
        },
        "Attachments": {"Attachment": [{
            "Name": "vedlegg", "FileName": "vedlegg.txt", "AttachementData": "innhold æøå".encode("utf-8"),
        }]},
    }
    receipt = inbound.SubmitFormTaskBasic(systemUserName=enduser["system_user"],
                                          systemPassword=enduser["system_password"], formTaskShipment=shipment)
    refs = items(receipt.References, "ReferenceBE")
    archive_reference = next((r.ReferenceValue for r in refs if r.ReferenceTypeName == "ArchiveReference"), None)
    check("SubmitFormTaskBasic (served WSDL) returns an OK receipt", receipt.ReceiptStatusCode == "OK",
          str(receipt.ReceiptStatusCode))
    check("receipt carries an ArchiveReference", bool(archive_reference))
    status = inbound.GetAltinnSubmissionStatusBasic(systemUserName=enduser["system_user"],
                                                    systemPassword=enduser["system_password"])
    check("GetAltinnSubmissionStatusBasic answers 1", status == 1, str(status))
    return archive_reference, receipt.ReceiptId


def archive_search(env, archive_reference):
    """GetServiceOwnerArchiveReporteeElementsBasicV2 from the served (derived) WSDL."""
    path = "/ArchiveExternal/ArchiveCommonAgencyExternalBasic.svc"
    binding = f"{{{ACOM}}}BasicHttpBinding_IArchiveCommonAgencyExternalBasic"
    reportee = env["identities"]["enduser"]["reportees"][0]
    svc = next(s for s in env["services"] if s["owner"] == "agency")
    now = datetime.datetime.now(datetime.timezone.utc)

    def search(identity, **criteria):
        ident = env["identities"][identity]
        _, acom = service(env, identity, env["base_url"] + path + "?wsdl", binding, path)
        result = acom.GetServiceOwnerArchiveReporteeElementsBasicV2(
            systemUserName=ident["system_user"], systemPassword=ident["system_password"],
            searchServiceOwnerArchive=criteria, languageID=1044)
        return items(result, "ServiceOwnerArchiveReporteeElementBEV2")

    found = search("agency", ReferenceId=archive_reference)
    check("ArchiveCommon search by ReferenceId finds the archived form set",
          [e.ArchiveReference for e in found] == [archive_reference], str([e.ArchiveReference for e in found]))
    if found:
        e = found[0]
        check("the element is an Archive element of the reportee with its ReporteeElementId",
              e.ElementType == "Archive" and e.SSNOrOrganizationNumber == reportee and
              e.ReporteeElementId == int(archive_reference[2:]) and e.SendComplete is True,
              f"{e.ElementType} {e.SSNOrOrganizationNumber} {e.ReporteeElementId} {e.SendComplete}")
    recent = search("agency", SSNOrOrgNumber=reportee, DateFrom=now - datetime.timedelta(hours=1),
                    DateTo=now + datetime.timedelta(hours=1))
    check("ArchiveCommon search by reportee and archived time finds it",
          archive_reference in [e.ArchiveReference for e in recent])
    other = search("agency2", ReferenceId=archive_reference)
    check("another service owner's search does not see it", other == [], str(other))
    try:
        search("agency", SSNOrOrgNumber="123")
        check("ArchiveCommon search with a malformed SSNOrOrgNumber gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("ArchiveCommon search with a malformed SSNOrOrgNumber gives an AltinnFault",
              fault_error_id(fault) is not None)


def streamed(env, archive_reference):
    """SubmitAttachmentStreamedBasic and GetAttachmentDataStreamedBasic from the served (derived) WSDLs.

    zeep cannot send MTOM (it has no way to put a binary part beside the envelope), so it sends the
    bytes inline as base64 in a plain text/xml request, which the gateway accepts within
    limits.max_message_bytes. zeep does read MTOM answers (it resolves the xop:Include), so the
    download is the gateway's real streamed answer."""
    print("note zeep sends no MTOM: the upload goes inline as base64; the download is read as MTOM")
    enduser = env["identities"]["enduser"]
    agency = env["identities"]["agency"]
    # Not ending in CR/LF: zeep strips those from both ends of a binary MTOM part it receives.
    data = ("Strømmet vedlegg fra zeep: æøå ÆØÅ\n" * 2000 + "slutt").encode("utf-8")
    up_path = "/IntermediaryExternal/IntermediaryInboundBasicStreamed.svc"
    _, up = service(env, "enduser", env["base_url"] + up_path + "?wsdl",
                    f"{{{IIBS}}}BasicHttpBinding_IIntermediaryInboundExternalBasicStreamed", up_path)
    headers = {
        "AttachmentTypeName": "text/plain", "CheckSum": hashlib.sha256(data).hexdigest(),
        "EndUserSystemreference": "zeep-streamed", "FileName": "zeep-strøm.txt", "Name": "zeep",
        "ReporteeElementId": int(archive_reference[2:]), "password": enduser["system_password"],
        "userName": enduser["system_user"],
    }
    receipt = up.SubmitAttachmentStreamedBasic(dataStream=data, _soapheaders=headers)
    check("SubmitAttachmentStreamedBasic (served WSDL, inline bytes) returns an OK receipt",
          receipt.ReceiptStatusCode == "OK", str(receipt.ReceiptStatusCode))
    match = re.match(r"Attachment (\d+) ", receipt.ReceiptText or "")
    check("the receipt text names the new attachment id", match is not None, str(receipt.ReceiptText))
    if not match:
        return
    attachment_id = int(match.group(1))
    wrong = dict(headers, password="wrong")
    try:
        up.SubmitAttachmentStreamedBasic(dataStream=data, _soapheaders=wrong)
        check("SubmitAttachmentStreamedBasic with a wrong password gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("SubmitAttachmentStreamedBasic with a wrong password gives ErrorID 989", fault_error_id(fault) == 989,
              str(fault_error_id(fault)))

    down_path = "/ArchiveExternal/ServiceOwnerArchiveExternalStreamedBasic.svc"
    binding = f"{{{SOAS}}}BasicHttpBinding_IServiceOwnerArchiveExternalStreamedBasic"
    _, down = service(env, "agency", env["base_url"] + down_path + "?wsdl", binding, down_path)
    got = down.GetAttachmentDataStreamedBasic(systemUserName=agency["system_user"],
                                              systemPassword=agency["system_password"], attachmentId=attachment_id)
    check("GetAttachmentDataStreamedBasic (MTOM answer) returns the uploaded bytes", got == data,
          f"{len(got or b'')} bytes")
    agency2 = env["identities"]["agency2"]
    _, other = service(env, "agency2", env["base_url"] + down_path + "?wsdl", binding, down_path)
    try:
        other.GetAttachmentDataStreamedBasic(systemUserName=agency2["system_user"],
                                             systemPassword=agency2["system_password"], attachmentId=attachment_id)
        check("another service owner cannot download the attachment", False)
    except zeep.exceptions.Fault as fault:
        check("another service owner gets an AltinnFault for the attachment", fault_error_id(fault) is not None)


def reference_flow(env, ref_dir, archive_reference, receipt_id):
    agency = env["identities"]["agency"]
    enduser = env["identities"]["enduser"]
    creds = {"systemUserName": agency["system_user"], "systemPassword": agency["system_password"]}

    _, dq = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["dq"]),
                    f"{{{DQ}}}BasicHttpBinding_IDownloadQueueExternalBasic",
                    "/ArchiveExternal/DownloadQueueExternalBasic.svc")
    queue = dq.GetDownloadQueueItems(**creds, serviceCode=None)
    refs = [i.ArchiveReference for i in items(queue, "DownloadQueueItemBE")]
    check("GetDownloadQueueItems lists the submission", archive_reference in refs)
    task = dq.GetArchivedFormTaskBasicDQ(**creds, archiveReference=archive_reference, languageID=1044,
                                         includeXmlNamespace=False)
    form = items(task.Forms, "ArchivedFormDQBE")[0]
    check("GetArchivedFormTaskBasicDQ returns the form data with æøå", "Ærlig Øystein Åsen" in form.FormData)
    attachment = items(task.Attachments, "ArchivedAttachmentDQBE")[0]
    check("GetArchivedFormTaskBasicDQ returns the attachment bytes",
          attachment.AttachmentData == "innhold æøå".encode("utf-8"))

    pdf = dq.GetFormSetPdfBasic(systemName=agency["system_user"], systemPassword=agency["system_password"],
                                archiveReference=archive_reference, languageId=1044)
    check("GetFormSetPdfBasic returns a PDF", isinstance(pdf, bytes) and pdf.startswith(b"%PDF-"), repr(pdf)[:40])
    try:
        dq.GetFormSetPdfBasic(systemName=agency["system_user"], systemPassword=agency["system_password"],
                              archiveReference=archive_reference, languageId=1044, dataFormatId="no-such-format")
        check("GetFormSetPdfBasic for a data format not in the set gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("GetFormSetPdfBasic for a data format not in the set gives an AltinnFault",
              fault_error_id(fault) is not None)

    _, soa = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["soa"]),
                     f"{{{SOA}}}BasicHttpBinding_IServiceOwnerArchiveExternalBasic",
                     "/ArchiveExternal/ServiceOwnerArchiveExternalBasic.svc")
    element_id = int(archive_reference[2:])
    v2 = soa.GetArchivedFormTaskBasicV2(**creds, reporteeElementID=element_id, languageID=1044)
    check("GetArchivedFormTaskBasicV2 returns the same form task", v2.ReporteeElementID == element_id)
    status = soa.GetArchiveShipmentStatusExternalBasicV2(**creds,
                                                         searchArchiveShipmentStatus={"ArchiveReference": archive_reference})
    entries = items(status.ArchiveShipmentStatusList, "ArchiveShipmentStatusExternalV2")
    check("GetArchiveShipmentStatusExternalBasicV2 reports a status log", len(entries) == 1 and
          len(items(entries[0].ShipmentStatusLog, "ShipmentStatusLogEntry")) >= 1)

    _, agency_receipts = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["agency_receipts"]),
                                 f"{{{RCPT}}}BasicHttpBinding_IReceiptAgencyExternalBasic",
                                 "/IntermediaryExternal/ReceiptAgencyExternalBasic.svc")
    found = agency_receipts.GetReceiptBasicV2(**creds, receipt={"References": {"Reference": [
        {"ReferenceType": "ArchiveReference", "ReferenceValue": archive_reference}]}})
    check("GetReceiptBasicV2 by ArchiveReference finds the receipt", found.ReceiptId == receipt_id)
    updated = agency_receipts.UpdateReceiptBasic(**creds, receipt={
        "ArchiveReference": archive_reference, "ReceiptStatus": "OK", "ReceiptText": "Mottatt og behandlet"})
    check("UpdateReceiptBasic updates the text", updated.ReceiptText == "Mottatt og behandlet")
    listed = agency_receipts.GetReceiptListBasicV2(**creds, receiptTypeName="FormTask", dateFrom=None, dateTo=None)
    check("GetReceiptListBasicV2 lists FormTask receipts", len(items(listed, "Receipt")) >= 1)
    try:
        agency_receipts.GetReceiptBasicV2(**creds, receipt={"ReceiptId": 2147480000})
        check("unknown receipt gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("unknown receipt gives an AltinnFault with ErrorID 30008", fault_error_id(fault) == 30008,
              str(fault_error_id(fault)))

    _, enduser_receipts = service(env, "enduser", os.path.join(ref_dir, REFERENCE_FILES["enduser_receipts"]),
                                  f"{{{RCPT}}}BasicHttpBinding_IReceiptExternalBasic",
                                  "/IntermediaryExternal/ReceiptExternalBasic.svc")
    mine = enduser_receipts.GetReceiptBasicV2(systemUserName=enduser["system_user"],
                                              systemPassword=enduser["system_password"],
                                              receipt={"ReceiptId": receipt_id})
    check("the end user reads the owner's update", mine.ReceiptText == "Mottatt og behandlet")

    purged = dq.PurgeItem(**creds, archiveReference=archive_reference)
    check("PurgeItem answers", purged is not None)
    queue = dq.GetDownloadQueueItems(**creds, serviceCode=None)
    refs = [i.ArchiveReference for i in items(queue, "DownloadQueueItemBE")]
    check("the purged item left the queue", archive_reference not in refs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-env", required=True)
    parser.add_argument("--reference-dir",
                        default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "../../../shared/reference/altinn2-wsdl"))
    args = parser.parse_args()
    with open(args.dev_env, encoding="utf-8") as f:
        env = json.load(f)
    archive_reference, receipt_id = submit(env, "zeep-" + uuid.uuid4().hex[:12])
    archive_search(env, archive_reference)
    streamed(env, archive_reference)
    if os.path.isdir(args.reference_dir):
        reference_flow(env, os.path.abspath(args.reference_dir), archive_reference, receipt_id)
    else:
        print("skipped: no reference WSDLs")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
