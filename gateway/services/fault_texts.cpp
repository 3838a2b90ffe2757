#include "services/fault_texts.h"

#include <map>

namespace gateway::services {
namespace {

struct Texts {
  const char* bokmal;
  const char* nynorsk;
  const char* english;
};

const std::map<int, Texts>& catalogue() {
  static const std::map<int, Texts> table = {
      {1, {"Påkrevd verdi mangler eller varseltypen er ukjent.", "Påkravd verdi manglar eller varseltypen er ukjend.",
           "A required value is missing or the notification type is unknown."}},
      {30009, {"Mottakeradresse kan ikke oppgis for transporttypene Both, SMSPreferred og EmailPreferred.",
               "Mottakaradresse kan ikkje oppgjevast for transporttypane Both, SMSPreferred og EmailPreferred.",
               "A receiver address cannot be given for transport types Both, SMSPreferred and EmailPreferred."}},
      {30010, {"Ugyldig e-postadresse.", "Ugyldig e-postadresse.", "Invalid e-mail address."}},
      {30201, {"ExternalShipmentReference er brukt før av denne tjenesteeieren.",
               "ExternalShipmentReference er brukt før av denne tenesteeigaren.",
               "ExternalShipmentReference was used before by this service owner."}},
      {30202, {"Påkrevd verdi mangler.", "Påkravd verdi manglar.", "A required value is missing."}},
      {30203, {"Ukjent tjeneste.", "Ukjend teneste.", "Unknown service."}},
      {30204, {"Tidspunktene er inkonsistente med synlighetstidspunktet.",
               "Tidspunkta er inkonsistente med synlegheitstidspunktet.",
               "The dates are inconsistent with VisibleDateTime."}},
      {30207, {"Vedlegget ble avvist.", "Vedlegget vart avvist.", "The attachment was rejected."}},
      {30208, {"Ugyldig svarvalg (ReplyOption).", "Ugyldig svarval (ReplyOption).", "Invalid reply option."}},
      {30209, {"Arkivreferansen i svarvalget tilhører ikke tjenesteeieren.",
               "Arkivreferansen i svarvalet høyrer ikkje til tenesteeigaren.",
               "The reply option's archive reference is not one of the service owner's."}},
      {30210, {"OnBehalfOfOrgNr er ikke et gyldig organisasjonsnummer.",
               "OnBehalfOfOrgNr er ikkje eit gyldig organisasjonsnummer.",
               "OnBehalfOfOrgNr is not a valid organisation number."}},
      {30211, {"Ugyldige SdpOptions.", "Ugyldige SdpOptions.", "Invalid SdpOptions."}},
      {30212, {"Mottakeren har ingen digital postkasse.", "Mottakaren har inga digital postkasse.",
               "The reportee has no digital mailbox."}},
      {30301, {"Ugyldig mobilnummer.", "Ugyldig mobilnummer.", "Invalid mobile number."}},
      {30302, {"Kontaktregisteret har ikke mobilnummer for mottakeren.",
               "Kontaktregisteret har ikkje mobilnummer for mottakaren.",
               "The contact register has no mobile number for the recipient."}},
      {30303, {"Kontaktregisteret har ikke e-postadresse for mottakeren.",
               "Kontaktregisteret har ikkje e-postadresse for mottakaren.",
               "The contact register has no e-mail address for the recipient."}},
      {30304, {"Kontaktregisteret har verken e-postadresse eller mobilnummer for mottakeren.",
               "Kontaktregisteret har verken e-postadresse eller mobilnummer for mottakaren.",
               "The contact register has neither e-mail address nor mobile number for the recipient."}},
      {30305, {"SMS-teksten er lengre enn 700 tegn.", "SMS-teksten er lengre enn 700 teikn.",
               "The SMS text is longer than 700 characters."}},
      {30306, {"Varseltypen har ingen tekst for denne transporttypen.",
               "Varseltypen har ingen tekst for denne transporttypen.",
               "The notification type has no text for this transport type."}},
      {40001, {"Ugyldig språkkode.", "Ugyldig språkkode.", "Invalid language code."}},
      {40014, {"For mange varsler i én forespørsel.", "For mange varsel i éin førespurnad.",
               "Too many notifications in one request."}},
      {40015, {"Transporttypen må være SMS eller Email.", "Transporttypen må vere SMS eller Email.",
               "The transport type must be SMS or Email."}},
      {40016, {"Ugyldig fødselsnummer.", "Ugyldig fødselsnummer.", "Invalid national identity number."}},
      {40020, {"Avsenderadressen er ikke en gyldig e-postadresse.", "Avsendaradressa er ikkje ei gyldig e-postadresse.",
               "The from address is not a valid e-mail address."}},
      {60012, {"Ukjent eller ugyldig mottaker.", "Ukjend eller ugyldig mottakar.", "Unknown or invalid reportee."}},
  };
  return table;
}

}  // namespace

std::optional<std::string> localizedFaultText(int error_id, int language_id) {
  auto it = catalogue().find(error_id);
  if (it == catalogue().end()) return std::nullopt;
  switch (language_id) {
    case 1044: return std::string(it->second.bokmal);
    case 2068: return std::string(it->second.nynorsk);
    case 1033: return std::string(it->second.english);
    default: return std::nullopt;
  }
}

}  // namespace gateway::services
