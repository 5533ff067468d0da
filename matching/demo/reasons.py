"""The reasons and motivations the demo's actors write when they refuse, pause or extend."""

# Landlord reasons the demo gives, each with the motivation the corporation writes.
REJECTIONS = {
    "area_concentration": "In deze portiek wonen al meerdere begeleide huurders.",
    "liveability_complex": "Complex staat onder druk; eerst andere keuze voor de leefbaarheid.",
    "support_not_confirmed": "Begeleiding is nog niet bevestigd door de zorgaanbieder.",
    "support_not_available_at_location": "Ambulante begeleiding kan hier niet dagelijks komen.",
    "community_acceptance": "Buurtbeheer vraagt eerst een kennismaking met de bewonerscommissie.",
    "support_capacity_chain": "Het buurtteam heeft nu geen ruimte voor extra ondersteuning.",
    "low_stimulus_needed": "Gehorige flat; cliënt heeft een prikkelarme woonplek nodig.",
    "dwelling_type_not_in_profile": "Bovenwoning met steile trap past niet bij het zoekprofiel.",
    "student_complex_cap": "Het complex heeft het maximum van 15% bijzondere doelgroepen bereikt.",
    "mixed_living_fit": "Kandidaat past niet in het concept van gemengd wonen in dit complex.",
    "other": "Eerdere overlast-melding op dit adres; woning eerst opnieuw inspecteren.",
}
VALID_DECLINES = ("location_unsuitable", "dwelling_unsuitable", "candidate_rent_too_high")
INVALID_DECLINES = ("client_declined_offer", "no_response")
HOLD_REASONS = ("Tijdelijke opname in een kliniek", "Detox-traject van enkele weken",
                "Tijdelijk verblijf bij familie buiten de regio")
CLIENT_WITHDRAWALS = ("Cliënt heeft zelf woonruimte gevonden", "Zorgtraject beëindigd",
                      "Cliënt verhuisd naar een andere regio",
                      "Cliënt is doorverwezen naar Wlz-zorg")
DWELLING_WITHDRAWALS = ("Ernstige gebreken bij de mutatie-inspectie; eerst renovatie",
                        "Woning nodig voor herhuisvesting bij sloop elders",
                        "Dubbel voorgedragen; zie de andere voordracht")
REINSTATEMENTS = ("Cliënt was in crisis ten tijde van het aanbod; aanbieder vraagt herstel",
                  "Aanbod kwam niet aan door een verkeerd postadres")
EXTENSIONS = ("Cliënt is nog niet klaar om zelfstandig te huren; begeleiding loopt door",
              "Schuldhulptraject nog niet afgerond", "Terugval; eerst stabiliseren")
