#!/usr/bin/python3
"""Interoperability check with a foreign SOAP client (Debian's python3-zeep).

Loads the *reference* Altinn 2 WSDLs for DownloadQueue, ServiceOwnerArchive, ReceiptAgency,
ReceiptExternal, PreFill, Subscription, NotificationAgency, CorrespondenceAgency and BrokerService
(Basic and Basic streamed), points them at a running gateway, and drives the whole submission flow, a
prefill that an end-user system completes, subscriptions, standalone notifications (template
DevVarsel, as scripts/lib/dev_env.sh registers it) and a correspondence that the end-user system
reads and confirms; SubmitFormTaskBasic, the ArchiveCommon search, the two streamed services,
BatchLogging (no Basic reference WSDL exists for any of them) and the gateway extensions
GetPrefilledFormTasksBasic and CorrespondenceExternal are driven from the
WSDLs the gateway serves at ?wsdl.

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
BLOG = "http://www.altinn.no/services/Intermediary/BatchLogging/2016/02"
IIPF = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryPrefill/2025/11"
PREFILL = "http://www.altinn.no/services/ServiceEngine/PreFill/2009/10"
SUBSCRIPTION = "http://www.altinn.no/services/ServiceEngine/Subscription/2009/10"
SRR = "http://www.altinn.no/services/Register/SRR/2015/06"
NOTIFICATION = "http://www.altinn.no/services/ServiceEngine/Notification/2010/10"
CORRESPONDENCE = "http://www.altinn.no/services/ServiceEngine/Correspondence/2009/10"
CORRESPONDENCE_EXTERNAL = "http://www.altinn.no/services/ServiceEngine/CorrespondenceExternal/2025/11"
IIBS = "http://www.altinn.no/services/Intermediary/Shipment/IntermediaryInbound/2013/06"
SOAS = "http://www.altinn.no/services/Archive/ServiceOwnerArchive/2013/06"
BROKER = "http://www.altinn.no/services/ServiceEngine/Broker/2015/06"

REFERENCE_FILES = {
    "dq": "DownloadQueueExternal/DownloadQueueExternalBasic.wsdl",
    "soa": "ServiceOwnerArchiveExternal/ServiceOwnerArchiveExternalBasic.wsdl",
    "agency_receipts": "ReceiptAgencyExternal/ReceiptAgencyExternalBasic.wsdl",
    "enduser_receipts": "ReceiptExternal/ReceiptExternalBasic.wsdl",
    "prefill": "PreFill/PreFillBasic.wsdl",
    "subscription": "Subscription/SubscriptionBasic.wsdl",
    "srr": "RegisterSRRAgencyExternal/RegisterSRRAgencyExternalBasic.wsdl",
    "notification": "NotificationAgencyExternal/NotificationAgencyExternalBasic.wsdl",
    "correspondence": "CorrespondenceAgencyExternal/CorrespondenceAgencyExternalBasic.wsdl",
    "broker": "BrokerServiceExternal/BrokerServiceExternalBasic.wsdl",
    "broker_streamed": "BrokerServiceExternal/BrokerServiceExternalBasicStreamed.wsdl",
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


def reference_values(receipt, kind):
    return [r.ReferenceValue for r in items(receipt.References, "Reference") if r.ReferenceTypeName == kind]


def inbound_service(env):
    wsdl = env["base_url"] + "/IntermediaryExternal/IntermediaryInboundBasic.svc?wsdl"
    return service(env, "enduser", wsdl, f"{{{IIB}}}BasicHttpBinding_IIntermediaryInboundExternalBasic",
                   "/IntermediaryExternal/IntermediaryInboundBasic.svc")[1]


def submit(env, reference):
    enduser = env["identities"]["enduser"]
    svc = next(s for s in env["services"] if s["owner"] == "agency")
    inbound = inbound_service(env)
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


def prefill_flow(env, ref_dir):
    """PreFill through the reference WSDL; the end-user system fetches and completes the task."""
    agency = env["identities"]["agency"]
    enduser = env["identities"]["enduser"]
    svc = next(s for s in env["services"] if s["owner"] == "agency")
    creds = {"systemUserName": agency["system_user"], "systemPassword": agency["system_password"]}
    suffix = uuid.uuid4().hex[:12]
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    form_data = "<Skjema><Navn>Åse Ødegård</Navn></Skjema>"
    task = {
        "ExternalServiceCode": svc["service_code"],
        "ExternalServiceEditionCode": svc["service_edition"],
        "ExternalShipmentReference": "zeep-prefill-" + suffix,
        "PreFillAttachments": {"PrefillFormTaskAttachment": [{
            "AttachmentData": "grunnlag æøå".encode("utf-8"), "AttachmentName": "Grunnlag",
            "AttachmentType": "text_plain", "FileName": "grunnlag.txt", "SendersReference": "v-1"}]},
        "PreFillForms": {"PrefillForm": [{
            "DataFormatID": svc["data_format_id"], "DataFormatVersion": svc["data_format_version"],
            "FormDataXML": form_data, "SendersReference": "f-1"}]},
        "Reportee": enduser["reportees"][0],
        "SendersReference": "sak-" + suffix,
        "ServiceOwnerCode": agency["agency_code"],
        "ValidFromDate": now - datetime.timedelta(hours=1),
        "ValidToDate": now + datetime.timedelta(days=30),
    }
    _, prefill = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["prefill"]),
                         f"{{{PREFILL}}}BasicHttpBinding_IPreFillExternalBasic", "/ServiceEngineExternal/PreFillBasic.svc")
    batch = "zeep-batch-" + suffix
    receipt = prefill.SubmitAndInstantiatePrefilledFormTaskBasic(**creds, externalBatchId=batch, preFillFormTask=task,
                                                                  doSaveFormTask=True, doinstantiateFormTask=True)
    check("SubmitAndInstantiatePrefilledFormTaskBasic returns an OK PreFill receipt",
          receipt.ReceiptStatusCode == "OK" and receipt.ReceiptTypeName == "PreFill",
          f"{receipt.ReceiptStatusCode} {receipt.ReceiptTypeName}")
    check("the PreFill receipt carries the batch id", reference_values(receipt, "BatchReference") == [batch])
    prefill_ids = reference_values(receipt, "ReceiversReference")
    check("the PreFill receipt carries the PrefillId", len(prefill_ids) == 1)
    again = prefill.SubmitAndInstantiatePrefilledFormTaskBasic(**creds, externalBatchId=batch, preFillFormTask=task,
                                                                doSaveFormTask=True, doinstantiateFormTask=True)
    check("a repeated externalBatchId returns the first receipt", again.ReceiptId == receipt.ReceiptId)

    batch_task = dict(task, ExternalShipmentReference="zeep-prefill-batch-" + suffix)
    bad_task = dict(task, ExternalShipmentReference="zeep-prefill-bad-" + suffix, Reportee="123")
    batch_receipt = prefill.SubmitPrefilledFormTasksBasic(**creds, externalBatchId="zeep-online-" + suffix,
                                                          preFillFormTasksDetails={
                                                              "PreFillFormTasklist": {"PrefillFormTask": [batch_task, bad_task]},
                                                              "SystemUserCode": agency["agency_code"]})
    subs = items(batch_receipt.SubReceipts, "ReceiptExternal")
    check("SubmitPrefilledFormTasksBasic gives one sub-receipt per task",
          [r.ReceiptStatusCode for r in subs] == ["OK", "ValidationFailed"], str([r.ReceiptStatusCode for r in subs]))
    try:
        prefill.SubmitAndInstantiatePrefilledFormTaskBasic(
            **creds, externalBatchId="zeep-bad-" + suffix,
            preFillFormTask=dict(task, ExternalShipmentReference="zeep-x-" + suffix, ServiceOwnerCode="NOPE"),
            doSaveFormTask=True, doinstantiateFormTask=True)
        check("another owner's code gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("another owner's code gives an AltinnFault with ErrorID 5", fault_error_id(fault) == 5,
              str(fault_error_id(fault)))

    _, agency_receipts = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["agency_receipts"]),
                                 f"{{{RCPT}}}BasicHttpBinding_IReceiptAgencyExternalBasic",
                                 "/IntermediaryExternal/ReceiptAgencyExternalBasic.svc")
    found = agency_receipts.GetReceiptBasicV2(**creds, receipt={"References": {"Reference": [
        {"ReferenceType": "BatchReference", "ReferenceValue": batch}]}})
    check("GetReceiptBasicV2 by BatchReference finds the PreFill receipt",
          found.ReceiptId == receipt.ReceiptId and found.ReceiptType == "PreFill")

    # The end-user side: the gateway's IntermediaryPrefill extension (served WSDL), then IntermediaryInbound.
    _, open_tasks = service(env, "enduser", env["base_url"] + "/IntermediaryExternal/IntermediaryPrefillBasic.svc?wsdl",
                            f"{{{IIPF}}}BasicHttpBinding_IIntermediaryPrefillExternalBasic",
                            "/IntermediaryExternal/IntermediaryPrefillBasic.svc")
    listed = open_tasks.GetPrefilledFormTasksBasic(systemUserName=enduser["system_user"],
                                                   systemPassword=enduser["system_password"],
                                                   reportee=enduser["reportees"][0], prefillId=int(prefill_ids[0]))
    tasks = items(listed, "PrefilledFormTask")
    check("GetPrefilledFormTasksBasic returns the task with its data",
          len(tasks) == 1 and items(tasks[0].Forms, "PrefilledForm")[0].FormData == form_data)
    check("GetPrefilledFormTasksBasic returns the attachment",
          len(tasks) == 1 and items(tasks[0].Attachments, "PrefilledAttachment")[0].AttachmentData ==
          "grunnlag æøå".encode("utf-8"))
    inbound = inbound_service(env)
    completed = "<Skjema><Navn>Åse Ødegård</Navn><Ferdig>ja</Ferdig></Skjema>"
    shipment = {
        "Reportee": enduser["reportees"][0],
        "ExternalShipmentReference": "zeep-complete-" + suffix,
        "FormTasks": {"ServiceCode": svc["service_code"], "ServiceEdition": svc["service_edition"],
                      "Forms": {"Form": [{"Completed": True, "DataFormatId": svc["data_format_id"],
                                          "DataFormatVersion": svc["data_format_version"],
                                          "EndUserSystemReference": "zeep-complete-" + suffix,
                                          "ParentReference": int(prefill_ids[0]), "FormData": completed}]}},
    }
    done = inbound.SubmitFormTaskBasic(systemUserName=enduser["system_user"],
                                       systemPassword=enduser["system_password"], formTaskShipment=shipment)
    check("SubmitFormTaskBasic completes the prefilled task", done.ReceiptStatusCode == "OK")
    shipment["FormTasks"]["Forms"]["Form"][0]["EndUserSystemReference"] = "zeep-complete-2-" + suffix
    try:
        inbound.SubmitFormTaskBasic(systemUserName=enduser["system_user"],
                                    systemPassword=enduser["system_password"], formTaskShipment=shipment)
        check("a second completion is refused", False)
    except zeep.exceptions.Fault as fault:
        check("a second completion is refused with an AltinnFault", fault_error_id(fault) == 0,
              str(fault_error_id(fault)))


def subscription_flow(env, ref_dir):
    agency = env["identities"]["agency"]
    svc = next(s for s in env["services"] if s["owner"] == "agency")
    creds = {"systemUserName": agency["system_user"], "systemPassword": agency["system_password"]}
    suffix = uuid.uuid4().hex[:12]
    _, subscription = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["subscription"]),
                              f"{{{SUBSCRIPTION}}}BasicHttpBinding_ISubscriptionExternalBasic",
                              "/ServiceEngineExternal/SubscriptionBasic.svc")
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    item = {
        "ExternalServiceCode": svc["service_code"], "ExternalServiceEditionCode": svc["service_edition"],
        "IdentityFields": {"SubscriptionIdentityFieldExternal": [{"FieldValue": "konto-1"}]},
        "NextDueDate": start + datetime.timedelta(days=14), "NextScheduleDate": start + datetime.timedelta(days=1),
        "ReporteeId": env["identities"]["enduser"]["reportees"][0], "StartDate": start,
        "SubscriptionPeriodType": "Monthly",
    }
    receipt = subscription.SubmitSubscriptionBasic(**creds, externalBatchId="zeep-sub-" + suffix, subscriptionDetails={
        "Subscriptionlist": {"Subscription": [item]}, "SystemUserCode": agency["agency_code"]})
    subs = items(receipt.SubReceipts, "ReceiptExternal")
    check("SubmitSubscriptionBasic returns an OK Subscription receipt",
          receipt.ReceiptStatusCode == "OK" and receipt.ReceiptTypeName == "Subscription" and len(subs) == 1,
          f"{receipt.ReceiptStatusCode} {receipt.ReceiptTypeName}")
    ids = reference_values(subs[0], "ReceiversReference") if subs else []
    check("the sub-receipt names the subscription", len(ids) == 1)
    if ids:
        updated = subscription.SubmitSubscriptionBasic(**creds, externalBatchId="zeep-sub-2-" + suffix,
                                                       subscriptionDetails={
                                                           "Subscriptionlist": {"Subscription": [
                                                               dict(item, SubscriptionID=int(ids[0]),
                                                                    SubscriptionPeriodType="Weekly")]},
                                                           "SystemUserCode": agency["agency_code"]})
        check("SubmitSubscriptionBasic with SubscriptionID updates it",
              reference_values(items(updated.SubReceipts, "ReceiptExternal")[0], "ReceiversReference") == ids)


def rights_flow(env, ref_dir):
    """The rights register through Altinn's RegisterSRRAgencyExternalBasic WSDL."""
    svc = next(s for s in env["services"] if s["owner"] == "agency")
    valid_to = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
    reportee = env["identities"]["enduser"]["reportees"][0]
    condition = "zeep-" + uuid.uuid4().hex[:8]  # a rule of this run only

    def call(identity, operation, **arguments):
        ident = env["identities"][identity]
        _, srr = service(env, identity, os.path.join(ref_dir, REFERENCE_FILES["srr"]),
                         f"{{{SRR}}}BasicHttpBinding_IRegisterSRRAgencyExternalBasic",
                         "/RegisterExternal/RegisterSRRAgencyExternalBasic.svc")
        return getattr(srr, operation)(systemUserName=ident["system_user"], systemPassword=ident["system_password"],
                                       serviceCode=svc["service_code"], serviceEditionCode=svc["service_edition"],
                                       **arguments)

    added = items(call("agency", "AddRightsBasic", insertRightList={"AddRightRequest": [
        {"Condition": condition, "Reportee": reportee, "Right": "Read", "ValidTo": valid_to},
        {"Condition": condition, "Reportee": "123", "Right": "Read", "ValidTo": valid_to},
        {"Condition": condition, "Reportee": reportee, "Right": "Read", "ValidTo": valid_to}]}), "AddRightResponse")
    check("AddRightsBasic answers each rule", [r.OperationResult for r in added] ==
          ["Ok", "EmptyOrNotAValidSsnOrOrganisation", "RuleAlreadyExists"], str([r.OperationResult for r in added]))
    listed = items(call("agency", "GetRightsBasic", reportee=reportee), "GetRightResponse")
    check("GetRightsBasic lists the rule with its ValidTo",
          any(r.Condition == condition and r.Right == "Read" and r.ValidTo is not None for r in listed))
    try:
        call("agency2", "GetRightsBasic")
        check("another owner cannot read the rules", False)
    except zeep.exceptions.Fault as fault:
        check("another owner cannot read the rules (AltinnFault)", fault_error_id(fault) is not None)
    removed = items(call("agency", "DeleteRightsBasic", deleteRightList={"DeleteRightRequest": [
        {"Condition": condition, "Reportee": reportee, "Right": "Read"}]}), "DeleteRightResponse")
    check("DeleteRightsBasic removes it", [r.OperationResult for r in removed] == ["Ok"])


def fault_text(fault, name):
    """A child element's text from the AltinnFault detail of a zeep Fault."""
    if fault.detail is None:
        return None
    for element in fault.detail.iter():
        if element.tag.endswith("}" + name):
            return element.text
    return None


def notification_flow(env, ref_dir):
    """SendStandaloneNotificationBasicV3 through the reference NotificationAgency WSDL (template DevVarsel)."""
    agency = env["identities"]["agency"]
    creds = {"systemUserName": agency["system_user"], "systemPassword": agency["system_password"]}
    _, notification = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["notification"]),
                              f"{{{NOTIFICATION}}}BasicHttpBinding_INotificationAgencyExternalBasic",
                              "/ServiceEngineExternal/NotificationAgencyExternalBasic.svc")
    notification.Test()
    check("NotificationAgency Test answers", True)
    suffix = uuid.uuid4().hex[:12]
    standalone = {
        "FromAddress": "etat@example.no", "IsReservable": False, "LanguageID": 1044,
        "NotificationType": "DevVarsel", "ReporteeNumber": "01019010046",
        "ReceiverEndPoints": {"ReceiverEndPoint": [
            {"TransportType": "Email", "ReceiverAddress": "zeep-" + suffix + "@example.no"},
            {"TransportType": "SMS", "ReceiverAddress": "+4791234567"}]},
        "ShipmentDateTime": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1),
        "TextTokens": {"TextToken": [{"TokenNum": 0, "TokenValue": "frist æøå"}, {"TokenNum": 1, "TokenValue": "Etaten"}]},
    }
    result = notification.SendStandaloneNotificationBasicV3(
        **creds, standaloneNotifications={"StandaloneNotification": [standalone]})
    results = items(result, "NotificationResult")
    endpoints = items(results[0].EndPoints, "EndPointResult") if results else []
    check("SendStandaloneNotificationBasicV3 returns the notification with both endpoints",
          len(results) == 1 and results[0].NotificationType == "DevVarsel" and
          results[0].ReporteeNumber == "01019010046" and len(endpoints) == 2, str(result))
    check("the endpoints carry the given addresses, not the profile's",
          [e.TransportType for e in endpoints] == ["Email", "SMS"] and
          endpoints[0].ReceiverAddress == "zeep-" + suffix + "@example.no" and
          all(e.RetrieveFromProfile is False for e in endpoints))
    try:
        notification.SendStandaloneNotificationBasicV3(**creds, standaloneNotifications={"StandaloneNotification": [
            dict(standalone, LanguageID=2068, FromAddress="Etaten")]})
        check("a FromAddress that is no e-mail address gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("a FromAddress that is no e-mail address gives ErrorID 40020", fault_error_id(fault) == 40020,
              str(fault_error_id(fault)))
        check("the fault text follows the request's language (nynorsk)",
              fault_text(fault, "AltinnLocalizedErrorMessage") == "Avsendaradressa er ikkje ei gyldig e-postadresse.",
              str(fault_text(fault, "AltinnLocalizedErrorMessage")))
    # Roles, Service and UseServiceOwnerShortNameAsSenderOfSms as the reference WSDL writes them.
    # For a person Roles/Service select nobody, but the Service must be one of the caller's owner.
    with_roles = dict(standalone, Roles={"RoleName": ["DAGL", "REGNA"]},
                      Service={"ServiceCode": "4711", "ServiceEdition": 1}, UseServiceOwnerShortNameAsSenderOfSms=True)
    result = notification.SendStandaloneNotificationBasicV3(
        **creds, standaloneNotifications={"StandaloneNotification": [with_roles]})
    check("Roles, Service (the owner's 4711/1) and UseServiceOwnerShortNameAsSenderOfSms are accepted",
          len(items(result, "NotificationResult")) == 1, str(result))
    for code, edition in (("4711", 999), ("4712", 1)):  # unknown edition; another owner's service
        try:
            notification.SendStandaloneNotificationBasicV3(**creds, standaloneNotifications={"StandaloneNotification": [
                dict(with_roles, Service={"ServiceCode": code, "ServiceEdition": edition})]})
            check(f"Service {code}/{edition} gives a fault", False)
        except zeep.exceptions.Fault as fault:
            check(f"Service {code}/{edition} (unknown, or another owner's) gives ErrorID 40013",
                  fault_error_id(fault) == 40013, str(fault_error_id(fault)))


def correspondence_flow(env, ref_dir, archive_reference):
    """CorrespondenceAgency through the reference WSDL (insert with a notification, ReplyOptions,
    OnBehalfOfOrgNr and SdpOptions, status details with and without SdpSearchOptions, status history
    with credentials in SOAP headers, a duplicate reference), read and confirmed by the end-user system
    through the gateway's CorrespondenceExternal WSDL (served at ?wsdl)."""
    agency = env["identities"]["agency"]
    creds = {"systemUserName": agency["system_user"], "systemPassword": agency["system_password"]}
    path = "/ServiceEngineExternal/CorrespondenceAgencyExternalBasic.svc"
    _, corr = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["correspondence"]),
                      f"{{{CORRESPONDENCE}}}BasicHttpBinding_ICorrespondenceAgencyExternalBasic", path)
    corr.Test()
    check("CorrespondenceAgency Test answers", True)
    info = corr.CreateSimpleCorrespondenceServiceBasic(**creds, templateServiceCode="ZEEPKORR",
                                                       templateServiceEditionCode=1)
    check("CreateSimpleCorrespondenceServiceBasic returns the service",
          info.ExternalServiceCode == "ZEEPKORR" and info.ExternalServiceEditionCode == 1, str(info))
    reportee = env["identities"]["enduser"]["reportees"][0]
    reference = "zeep-korr-" + uuid.uuid4().hex[:12]
    correspondence = {
        "ServiceCode": "ZEEPKORR", "ServiceEdition": "1", "Reportee": reportee,
        "Content": {"LanguageCode": "1044", "MessageTitle": "Vedtak æøå", "MessageSummary": "Kort",
                    "MessageBody": "Brødtekst",
                    "Attachments": {"BinaryAttachments": {"BinaryAttachmentV2": [
                        {"FunctionType": "Unspecified", "FileName": "vedtak.pdf", "Name": "Vedtak",
                         "Encrypted": False, "Data": b"%PDF-1.4 zeep", "SendersReference": "a1"}]}}},
        "VisibleDateTime": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1),
        "AllowSystemDeleteDateTime": datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30),
        "ReplyOptions": {"ReplyOption": [
            {"Service": {"ServiceCode": "ZEEPKORR", "ServiceEdition": "1"}},
            {"ArchiveReference": {"ArchiveRef": archive_reference}},
            {"URL": {"LinkText": "Svar her – æøå", "LinkURL": "https://svar.example.no/zeep"}}]},
        "CaseID": 4242,
        "SdpOptions": {"BackupAltinn": True, "PrimaryDocumentFileName": "vedtak.pdf", "SdpSetting": "CopyAltinn",
                       "Title": "Vedtak", "SdpNotifications": {"EmailNotification": {
                           "NotificationText": "Du har fått digital post", "Repetitions": {"DaysDelayed": [1, 7]},
                           "EmailAddress": "zeep-sdp@example.no"}}},
        "OnBehalfOfOrgNr": "910000209",
        "Notifications": {"Notification": [{
            "FromAddress": "etat@example.no", "LanguageCode": "1044", "NotificationType": "DevVarsel",
            "TextTokens": {"TextToken": [{"TokenNum": 0, "TokenValue": "melding"}, {"TokenNum": 1, "TokenValue": "Etaten"}]},
            "ReceiverEndPoints": {"ReceiverEndPoint": [
                {"TransportType": "Email", "ReceiverAddress": "zeep-korr@example.no"}]}}]},
    }
    receipt = corr.InsertCorrespondenceBasicV2(**creds, SystemUserCode=agency.get("agency_code", "ETAT"),
                                               ExternalShipmentReference=reference, Correspondence=correspondence)
    ids = reference_values(receipt, "ReceiversReference")
    check("InsertCorrespondenceBasicV2 returns an OK Correspondence receipt with the id",
          receipt.ReceiptStatusCode == "OK" and receipt.ReceiptTypeName == "Correspondence" and len(ids) == 1,
          str(receipt))
    try:
        corr.InsertCorrespondenceBasicV2(**creds, SystemUserCode=agency.get("agency_code", "ETAT"),
                                         ExternalShipmentReference=reference, Correspondence=correspondence)
        check("a reused ExternalShipmentReference gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("a reused ExternalShipmentReference gives ErrorID 30201", fault_error_id(fault) == 30201,
              str(fault_error_id(fault)))

    # The end user reads and confirms it through the gateway's own extension WSDL.
    enduser = env["identities"]["enduser"]
    eu_creds = {"systemUserName": enduser["system_user"], "systemPassword": enduser["system_password"]}
    eu_path = "/IntermediaryExternal/CorrespondenceExternalBasic.svc"
    _, external = service(env, "enduser", env["base_url"] + eu_path + "?wsdl",
                          f"{{{CORRESPONDENCE_EXTERNAL}}}BasicHttpBinding_ICorrespondenceExternalBasic", eu_path)
    listed = external.GetCorrespondenceListBasic(**eu_creds, reportee=reportee)
    summaries = items(listed.Correspondences, "CorrespondenceSummary")
    check("GetCorrespondenceListBasic lists it", any(s.CorrespondenceID == int(ids[0]) for s in summaries) if ids else False)
    got = external.GetCorrespondenceBasic(**eu_creds, reportee=reportee, correspondenceID=int(ids[0]))
    attachments = items(got.BinaryAttachments, "CorrespondenceAttachment")
    check("GetCorrespondenceBasic returns body, attachment and Read",
          got.MessageBody == "Brødtekst" and got.Status == "Read" and got.CaseID == 4242 and
          len(attachments) == 1 and attachments[0].Data == b"%PDF-1.4 zeep", str(got.Status))
    replies = items(got.ReplyOptions, "CorrespondenceReplyOption")
    check("GetCorrespondenceBasic returns the ReplyOptions and OnBehalfOfOrgNr",
          [r.Type for r in replies] == ["Service", "ArchiveReference", "URL"] and
          replies[0].ServiceCode == "ZEEPKORR" and replies[0].ServiceEditionCode == 1 and
          replies[1].ArchiveReference == archive_reference and replies[2].LinkURL == "https://svar.example.no/zeep" and
          replies[2].LinkText == "Svar her – æøå" and got.OnBehalfOfOrgNr == "910000209", str(replies))
    confirmed = external.ConfirmCorrespondenceBasic(**eu_creds, reportee=reportee, correspondenceID=int(ids[0]))
    check("ConfirmCorrespondenceBasic records Confirmed", confirmed.Status == "Confirmed")

    details = corr.GetCorrespondenceStatusDetailsBasicV3(**creds, filterCriteria={
        "ServiceCode": "ZEEPKORR", "ServiceEditionCode": 1, "SendersReference": reference})
    statuses = items(details.CorrespondenceStatusInformation.CorrespondenceStatusDetailsList, "StatusV2")
    changes = items(statuses[0].StatusChanges, "StatusChangeV2") if statuses else []
    notifications = items(statuses[0].Notifications, "Notification") if statuses else []
    check("GetCorrespondenceStatusDetailsBasicV3 shows Created, Read, Confirmed and the notification",
          [c.StatusType for c in changes] == ["Created", "Read", "Confirmed"] and
          [n.Recipient for n in notifications] == ["zeep-korr@example.no"] and
          details.CorrespondenceStatusInformation.LimitReached is False, str(details))
    sdp = corr.GetCorrespondenceStatusDetailsBasicV3(**creds, filterCriteria={
        "ServiceCode": "ZEEPKORR", "ServiceEditionCode": 1, "SendersReference": reference,
        "SdpSearchOptions": {"IncludeCorrespondence": False}})
    letters = items(sdp.SdpStatusInformation.SdpStatusDetailsList, "SdpStatusDetails") if sdp.SdpStatusInformation else []
    letter_history = items(letters[0].StatusHistory, "SdpStatusChange") if letters else []
    check("GetCorrespondenceStatusDetailsBasicV3 with SdpSearchOptions reports the digital letter as NoMailBox",
          sdp.CorrespondenceStatusInformation is None and len(letters) == 1 and
          letters[0].CorrespondenceId == int(ids[0]) and letters[0].Reference == reference and
          [c.Status for c in letter_history] == ["NoMailBox"], str(sdp))
    try:
        bad = dict(correspondence, OnBehalfOfOrgNr="910000307")
        corr.InsertCorrespondenceBasicV2(**creds, SystemUserCode=agency.get("agency_code", "ETAT"),
                                         ExternalShipmentReference=reference + "-bad", Correspondence=bad)
        check("an invalid OnBehalfOfOrgNr gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("an invalid OnBehalfOfOrgNr gives ErrorID 30210", fault_error_id(fault) == 30210,
              str(fault_error_id(fault)))
    history = corr.GetCorrespondenceStatusHistoryBasic(
        CorrespondenceSendersReferences={"string": [reference]},
        _soapheaders={"SystemUserName": agency["system_user"], "SystemPassword": agency["system_password"]})
    found = items(history.CorrespondenceStatusInformation.CorrespondenceStatusDetailsList, "StatusV2")
    check("GetCorrespondenceStatusHistoryBasic (credentials in SOAP headers) finds it",
          len(found) == 1 and found[0].SendersReference == reference, str(history))


def batch_logging(env):
    """GetStatusOverview / GetDetailedStatus / GetDataItem from the served (derived) WSDL: Altinn
    published only a SOAP 1.2 EC2 WSDL for BatchLogging. The batch channel is off in this run, so the
    owner's batch log is empty; the calls check the wire shape, credentials and faults."""
    path = "/IntermediaryExternal/BatchLoggingAgencyExternalBasic.svc"
    binding = f"{{{BLOG}}}BasicHttpBinding_IBatchLoggingAgencyExternalBasic"
    agency = env["identities"]["agency"]
    creds = {"agencyUserName": agency["system_user"], "agencyPassword": agency["system_password"]}
    _, blog = service(env, "agency", env["base_url"] + path + "?wsdl", binding, path)
    overview = blog.GetStatusOverview(**creds, request={"DataBatchType": "PreFill"})
    check("BatchLogging GetStatusOverview answers (no prefill batch files here)",
          overview is not None and overview.NumberOfIssues == 0, repr(overview)[:200])
    detailed = blog.GetDetailedStatus(**creds, request={"TimeRange": {
        "DateFrom": datetime.datetime(2020, 1, 1), "DateTo": datetime.datetime(2030, 1, 1)}})
    check("BatchLogging GetDetailedStatus answers with its lists", detailed is not None and detailed.NumberOfIssues == 0,
          repr(detailed)[:200])
    try:
        blog.GetDataItem(**creds, dataItemId=987654321)
        check("BatchLogging GetDataItem for an unknown item gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("BatchLogging GetDataItem for an unknown item gives an AltinnFault", fault_error_id(fault) is not None)
    try:
        blog.GetStatusOverview(agencyUserName=agency["system_user"], agencyPassword="wrong", request={})
        check("BatchLogging with a wrong password gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("BatchLogging with a wrong password gives AltinnFault 989", fault_error_id(fault) == 989)
def broker_flow(env, ref_dir):
    """A broker shipment through Altinn's BrokerServiceExternalBasic and ...BasicStreamed WSDLs.

    The service owner first lets the end-user system's reportee send (Write) and receive (Read) on
    the broker service through the reference RegisterSRRAgency WSDL; the shipment then goes from
    that reportee to itself. zeep sends no MTOM, so the upload carries the ZIP inline (base64 in a
    plain text/xml request, within limits.max_message_bytes); the download is the real MTOM answer."""
    broker = next((s for s in env["services"] if s.get("kind") == "BrokerService"), None)
    if broker is None:
        print("skipped: no broker service in the dev-env file")
        return
    enduser = env["identities"]["enduser"]
    agency = env["identities"]["agency"]
    party = enduser["reportees"][0]
    creds = {"systemUserName": enduser["system_user"], "systemPassword": enduser["system_password"]}
    valid_to = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)
    _, srr = service(env, "agency", os.path.join(ref_dir, REFERENCE_FILES["srr"]),
                     f"{{{SRR}}}BasicHttpBinding_IRegisterSRRAgencyExternalBasic",
                     "/RegisterExternal/RegisterSRRAgencyExternalBasic.svc")
    srr.AddRightsBasic(systemUserName=agency["system_user"], systemPassword=agency["system_password"],
                       serviceCode=broker["service_code"], serviceEditionCode=broker["service_edition"],
                       insertRightList={"AddRightRequest": [
                           {"Condition": "sender", "Reportee": party, "Right": "Write", "ValidTo": valid_to},
                           {"Condition": "recipient", "Reportee": party, "Right": "Read", "ValidTo": valid_to}]})

    path = "/ServiceEngineExternal/BrokerServiceExternalBasic.svc"
    _, basic = service(env, "enduser", os.path.join(ref_dir, REFERENCE_FILES["broker"]),
                       f"{{{BROKER}}}BasicHttpBinding_IBrokerServiceExternalBasic", path)
    basic.Test()
    check("BrokerServiceExternalBasic Test answers", True)
    sent_reference = "zeep-broker-" + uuid.uuid4().hex[:8]

    def initiation(recipient):
        return {"Manifest": {"ExternalServiceCode": broker["service_code"],
                             "ExternalServiceEditionCode": broker["service_edition"],
                             "PropertyList": {"Property": [{"PropertyKey": "kilde", "PropertyValue": "zeep æøå"}]},
                             "Reportee": party, "SendersReference": sent_reference},
                "RecipientList": {"Recipient": [{"PartyNumber": recipient}]}}

    file_reference = basic.InitiateBrokerServiceBasic(**creds, brokerServiceInitiation=initiation(party))
    check("InitiateBrokerServiceBasic returns a file reference (GUID)",
          re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", file_reference or "") is not None,
          str(file_reference))
    try:
        basic.InitiateBrokerServiceBasic(**creds, brokerServiceInitiation=initiation("01019010046"))
        check("a recipient without Read is refused", False)
    except zeep.exceptions.Fault as fault:
        check("a recipient without Read is refused with ErrorID 14", fault_error_id(fault) == 14,
              str(fault_error_id(fault)))

    def listed(status):
        files = items(basic.GetAvailableFilesBasic(**creds, searchParameters={"FileStatus": status, "Reportee": party}),
                      "BrokerServiceAvailableFile")
        return [f for f in files if f.FileReference == file_reference]

    check("GetAvailableFilesBasic does not list a file before its upload", listed("Uploaded") == [])

    # Not ending in CR/LF: zeep strips those from both ends of a binary MTOM part it receives.
    data = b"PK\x03\x04" + ("Formidlet fil fra zeep: æøå\n" * 1000 + "slutt").encode("utf-8")
    stream_path = "/ServiceEngineExternal/BrokerServiceExternalBasicStreamed.svc"
    _, streamed_svc = service(env, "enduser", os.path.join(ref_dir, REFERENCE_FILES["broker_streamed"]),
                              f"{{{BROKER}}}BasicHttpBinding_IBrokerServiceExternalBasicStreamed", stream_path)
    receipt = streamed_svc.UploadFileStreamedBasic(DataStream=data, _soapheaders={
        "FileName": "zeep.zip", "Reference": file_reference, "Reportee": party,
        "SystemPassword": enduser["system_password"], "SystemUserName": enduser["system_user"]})
    check("UploadFileStreamedBasic (reference streamed WSDL, inline bytes) returns an OK receipt",
          receipt.ReceiptStatusCode == "OK" and receipt.ReceiptTypeName == "BrokerService" and
          hashlib.sha256(data).hexdigest() in (receipt.ReceiptText or ""), str(receipt))

    files = listed("Uploaded")
    check("GetAvailableFilesBasic lists the uploaded file with its metadata",
          len(files) == 1 and files[0].FileName == "zeep.zip" and files[0].FileSize == len(data) and
          files[0].SendersReference == sent_reference and files[0].Reportee == party and
          files[0].ReceiptID == receipt.ReceiptId, str(files))
    poll = {"ExternalServiceCode": broker["service_code"], "ExternalServiceEditionCode": broker["service_edition"],
            "Recipients": {"string": [party]}}
    check("CheckIfAvailableFilesBasic says a file waits", basic.CheckIfAvailableFilesBasic(**creds, pollParameters=poll))

    got = streamed_svc.DownloadFileStreamedBasic(**creds, fileReference=file_reference, reportee=party)
    check("DownloadFileStreamedBasic (MTOM answer) returns the uploaded bytes", got == data, f"{len(got or b'')} bytes")
    basic.ConfirmDownloadedBasic(**creds, fileReference=file_reference, reportee=party)
    check("ConfirmDownloadedBasic answers", True)
    check("the confirmed file is listed as Downloaded", len(listed("Downloaded")) == 1 and listed("Uploaded") == [])
    try:
        basic.ConfirmDownloadedBasic(**creds, fileReference=str(uuid.uuid4()), reportee=party)
        check("confirming an unknown file reference gives a fault", False)
    except zeep.exceptions.Fault as fault:
        check("confirming an unknown file reference gives an AltinnFault", fault_error_id(fault) is not None)


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
    batch_logging(env)
    if os.path.isdir(args.reference_dir):
        reference_flow(env, os.path.abspath(args.reference_dir), archive_reference, receipt_id)
        prefill_flow(env, os.path.abspath(args.reference_dir))
        subscription_flow(env, os.path.abspath(args.reference_dir))
        rights_flow(env, os.path.abspath(args.reference_dir))
        notification_flow(env, os.path.abspath(args.reference_dir))
        correspondence_flow(env, os.path.abspath(args.reference_dir), archive_reference)


        broker_flow(env, os.path.abspath(args.reference_dir))
    else:
        print("skipped: no reference WSDLs")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
