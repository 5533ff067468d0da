"""The ten Utrecht districts: streets and postcode areas, and where each corporation owns."""

WIJKEN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Overvecht": (("Zambesidreef", "Tigrisdreef", "Gambiadreef", "Wolgadreef", "Donaudreef",
                   "Nijldreef", "Neckardreef", "Moezeldreef", "Bernadottelaan", "Ivoordreef"),
                  ("3561", "3562", "3563", "3564")),
    "Zuidwest": (("Marnixlaan", "Columbuslaan", "Aletrinolaan", "Churchilllaan",
                  "Vasco da Gamalaan", "Pijperlaan"), ("3525", "3526", "3527")),
    "Noordwest": (("Amsterdamsestraatweg", "Elisabethstraat", "Prinses Margrietstraat",
                   "Ondiep-Zuidzijde", "Anthoniedijk"), ("3551", "3552", "3553", "3554")),
    "Zuid": (("Briljantlaan", "Smaragdplein", "Hooft Graaflandstraat", "Duurstedelaan",
              "Rijnlaan"), ("3521", "3522", "3523", "3524")),
    "Leidsche Rijn": (("Langerakbaan", "Grauwaartsingel", "Parkzichtlaan", "Terwijdelaan"),
                      ("3541", "3542", "3543", "3544")),
    "Oost": (("Biltstraat", "Burgemeester Reigerstraat", "Koningsweg", "Rubenslaan",
              "Sartreweg"), ("3581", "3582", "3584", "3585")),
    "West": (("Kanaalstraat", "Damstraat", "Vleutenseweg", "Bankastraat", "Cartesiusweg"),
             ("3531", "3532", "3533")),
    "Noordoost": (("Adelaarstraat", "Gruttersdijk", "Kleiweg", "Voorveldselaan",
                   "Blauwkapelseweg"), ("3571", "3572", "3573")),
    "Vleuten-De Meern": (("Meerndijk", "Mereveldseweg", "Hindersteinlaan", "Zandweg"),
                         ("3451", "3452", "3453", "3454")),
    "Binnenstad": (("Oudegracht", "Lange Nieuwstraat", "Twijnstraat", "Breedstraat",
                    "Nieuwegracht"), ("3511", "3512")),
}
# How the corporations' stock spreads over the districts (weights), and per corporation.
STOCK = {"Overvecht": 24, "Zuidwest": 15, "Noordwest": 15, "Zuid": 11, "Leidsche Rijn": 10,
         "Oost": 6, "West": 6, "Noordoost": 5, "Vleuten-De Meern": 4, "Binnenstad": 3}
CORPORATION_WIJKEN: dict[str, dict[str, int]] = {
    "Mitros": {**STOCK, "Overvecht": 30},
    "Portaal": {**STOCK, "Noordwest": 20, "Zuidwest": 18},
    "Bo-Ex": {**STOCK, "Zuid": 25, "West": 15, "Overvecht": 12},
    "SSH": {"Oost": 40, "Binnenstad": 25, "Zuid": 20, "Noordoost": 15},
    "GroenWest": {"Vleuten-De Meern": 60, "Leidsche Rijn": 40},
}
