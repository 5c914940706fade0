package demo

import (
	"time"

	"github.com/liaison-dev/liaison"
)

// Topics of the scenario: disciplines and regions. Agreements scope them,
// officers' need-to-know lists them, products carry a discipline and often
// a region.
const (
	tCT = "counter-terrorism"
	tVE = "violent-extremism"
	tCI = "counter-intelligence"
	tHY = "hybrid-threats"
	tCY = "cyber"
	tPR = "proliferation"
	tOC = "organised-crime"
	rRU = "russia"
	rCN = "china"
	rME = "middle-east"
	rSA = "sahel"
)

// allTopics is every topic of the scenario, the need-to-know of liaison
// officers (who must read what they pass on).
var allTopics = []string{tCT, tVE, tCI, tHY, tCY, tPR, tOC, rRU, rCN, rME, rSA}

// Organisation ids the scenario's patterns revolve around.
const (
	home       = "nl-aivd"   // the node's home organisation
	hub        = "eu-intcen" // the EU hub (pattern a)
	nonEU      = "no-pst"    // the transactional non-EU partner (pattern b)
	evolving   = "be-vsse"   // the partner moving from transactional to relational (pattern c)
	breacher   = "it-aisi"   // the partner that breaks a caveat (pattern d)
	loopB      = "de-bfv"    // the loop's partner B
	loopC      = "fr-dgsi"   // the loop's third party C
	nodeName   = "liaison-demo"
	adminID    = "nl-aivd.verhoeven"
	homeLO     = "nl-aivd.dekker" // the home liaison officer who originates the loop product
	auditorID  = "nl-aivd.smit"
	partnerLO  = "de-bfv.hoffmann"
	thirdLO    = "fr-dgsi.lefevre"
	intcenLO   = "eu-intcen.sousa"
	clubBerne  = "CLUB_OF_BERNE"
	membEU     = "EU"
	membNATO   = "NATO"
	clearTopSG = "NL STG. ZEER GEHEIM"
)

// officerSpec is an officer to register: a handle, an invented name, a
// role, a clearance (a classification as printed) and a need-to-know.
type officerSpec struct {
	id, name  string
	role      liaison.Role
	clearance string
	ntk       []string
}

// orgSpec is an organisation of the scenario, its officers, how it marks
// its own products and where its reporting is about.
type orgSpec struct {
	id, name, short string
	kind            liaison.OrgKind
	country         string
	memberships     []string
	// levels are the organisation's national banners for ranks 0..3;
	// "" where its scheme has no such level (the EU level is used).
	levels [4]string
	places []string
	// officers, liaison officers first.
	officers []officerSpec
}

// lo is the liaison officers' need-to-know: every topic of the scenario.
func lo(id, name, clearance string) officerSpec {
	return officerSpec{id: id, name: name, role: liaison.RoleLiaison, clearance: clearance, ntk: allTopics}
}

func analyst(id, name, clearance string, ntk ...string) officerSpec {
	return officerSpec{id: id, name: name, role: liaison.RoleAnalyst, clearance: clearance, ntk: ntk}
}

// euLevels and natoLevels are the banners of the EU and NATO schemes by rank.
var (
	euLevels   = [4]string{"", "RESTREINT UE", "CONFIDENTIEL UE", "SECRET UE"}
	natoLevels = [4]string{"NATO UNCLASSIFIED", "NATO RESTRICTED", "NATO CONFIDENTIAL", "NATO SECRET"}
)

// The EU national services, the hub and the non-EU partner. Public bodies
// are named as they are; every officer is invented.
var world = []*orgSpec{
	{id: home, name: "Algemene Inlichtingen- en Veiligheidsdienst", short: "AIVD", kind: liaison.OrgNationalService, country: "NL",
		memberships: []string{membEU, membNATO, clubBerne},
		levels:      [4]string{"", "NL DEPARTEMENTAAL VERTROUWELIJK", "NL STG. CONFIDENTIEEL", "NL STG. GEHEIM"},
		places:      []string{"the Netherlands", "Rotterdam", "Amsterdam", "The Hague", "the port of Rotterdam", "the Randstad"},
		officers: []officerSpec{
			lo(homeLO, "Joost Dekker", "NL STG. GEHEIM"),
			lo("nl-aivd.bakker", "Sanne Bakker", "NL STG. GEHEIM"),
			analyst("nl-aivd.jansen", "Pieter Jansen", "NL STG. GEHEIM", tCT, tVE, rME, rSA),
			analyst("nl-aivd.visser", "Femke Visser", "NL STG. GEHEIM", tCI, tHY, rRU, rCN, tCY),
			analyst("nl-aivd.mulder", "Daan Mulder", "NL STG. GEHEIM", tCY, tPR, tOC, rCN, rRU, rME),
			analyst("nl-aivd.kok", "Lotte Kok", "NL STG. CONFIDENTIEEL", tVE, tOC),
			{id: auditorID, name: "Eva Smit", role: liaison.RoleAuditor, clearance: "NL STG. CONFIDENTIEEL", ntk: []string{tCT}},
		}},
	{id: "de-bfv", name: "Bundesamt für Verfassungsschutz", short: "BfV", kind: liaison.OrgNationalService, country: "DE",
		memberships: []string{membEU, membNATO, clubBerne},
		levels:      [4]string{"", "DE VS-NUR FÜR DEN DIENSTGEBRAUCH", "DE VS-VERTRAULICH", "DE GEHEIM"},
		places:      []string{"Germany", "North Rhine-Westphalia", "Berlin", "Hamburg", "Lower Saxony"},
		officers: []officerSpec{
			lo(partnerLO, "Katrin Hoffmann", "DE GEHEIM"),
			analyst("de-bfv.weber", "Jonas Weber", "DE GEHEIM", tCT, tVE, rME),
			analyst("de-bfv.schreiber", "Lena Schreiber", "DE GEHEIM", tCI, tHY, rRU, rCN, tCY, tPR),
		}},
	{id: "fr-dgsi", name: "Direction générale de la sécurité intérieure", short: "DGSI", kind: liaison.OrgNationalService, country: "FR",
		memberships: []string{membEU, membNATO, clubBerne},
		levels:      [4]string{"", "FR DIFFUSION RESTREINTE", "", "FR SECRET"},
		places:      []string{"France", "Île-de-France", "Marseille", "Lyon", "Strasbourg"},
		officers: []officerSpec{
			lo(thirdLO, "Camille Lefèvre", "FR SECRET"),
			analyst("fr-dgsi.moreau", "Julien Moreau", "FR SECRET", tCT, tVE, rME, rSA),
			analyst("fr-dgsi.girard", "Élodie Girard", "FR SECRET", tCI, tHY, rRU, tCY),
		}},
	{id: evolving, name: "Veiligheid van de Staat / Sûreté de l'État", short: "VSSE", kind: liaison.OrgNationalService, country: "BE",
		memberships: []string{membEU, membNATO, clubBerne},
		places:      []string{"Belgium", "Brussels", "Antwerp", "the port of Antwerp", "Liège"},
		officers: []officerSpec{
			lo("be-vsse.peeters", "Wouter Peeters", "SECRET UE"),
			analyst("be-vsse.dupont", "Nathalie Dupont", "SECRET UE", tCT, tVE, tOC, rME),
			analyst("be-vsse.claes", "Bram Claes", "SECRET UE", tCI, tHY, rRU, tCY),
		}},
	{id: "es-cni", name: "Centro Nacional de Inteligencia", short: "CNI", kind: liaison.OrgNationalService, country: "ES",
		memberships: []string{membEU, membNATO, clubBerne},
		levels:      [4]string{"", "ES DIFUSIÓN LIMITADA", "ES CONFIDENCIAL", "ES RESERVADO"},
		places:      []string{"Spain", "Madrid", "Catalonia", "Ceuta", "Algeciras"},
		officers: []officerSpec{
			lo("es-cni.navarro", "Lucía Navarro", "ES RESERVADO"),
			analyst("es-cni.romero", "Javier Romero", "ES RESERVADO", tCT, tOC, rSA, rME),
		}},
	{id: breacher, name: "Agenzia Informazioni e Sicurezza Interna", short: "AISI", kind: liaison.OrgNationalService, country: "IT",
		memberships: []string{membEU, membNATO, clubBerne},
		levels:      [4]string{"", "IT RISERVATO", "IT RISERVATISSIMO", "IT SEGRETO"},
		places:      []string{"Italy", "Milan", "Lombardy", "Sicily", "Rome"},
		officers: []officerSpec{
			lo("it-aisi.conti", "Giulia Conti", "IT SEGRETO"),
			analyst("it-aisi.marino", "Luca Marino", "IT SEGRETO", tCT, tVE, tOC, rME, rSA),
		}},
	{id: "pl-abw", name: "Agencja Bezpieczeństwa Wewnętrznego", short: "ABW", kind: liaison.OrgNationalService, country: "PL",
		memberships: []string{membEU, membNATO, clubBerne},
		levels:      [4]string{"", "PL ZASTRZEŻONE", "PL POUFNE", "PL TAJNE"},
		places:      []string{"Poland", "Warsaw", "Gdańsk", "Podlaskie near the Belarusian border", "Rzeszów"},
		officers: []officerSpec{
			lo("pl-abw.wojcik", "Tomasz Wójcik", "PL TAJNE"),
			analyst("pl-abw.kowalczyk", "Agnieszka Kowalczyk", "PL TAJNE", tCI, tHY, rRU, tCY, tCT),
		}},
	{id: "se-sapo", name: "Säkerhetspolisen", short: "Säpo", kind: liaison.OrgNationalService, country: "SE",
		memberships: []string{membEU, membNATO, clubBerne},
		levels:      [4]string{"", "SE BEGRÄNSAT HEMLIG", "SE KONFIDENTIELL", "SE HEMLIG"},
		places:      []string{"Sweden", "Stockholm", "Gothenburg", "Gotland", "Malmö"},
		officers: []officerSpec{
			lo("se-sapo.lindqvist", "Erik Lindqvist", "SE HEMLIG"),
			analyst("se-sapo.holm", "Sara Holm", "SE HEMLIG", tCT, tVE, tCI, rRU, tHY),
		}},
	{id: "at-dsn", name: "Direktion Staatsschutz und Nachrichtendienst", short: "DSN", kind: liaison.OrgNationalService, country: "AT",
		memberships: []string{membEU, clubBerne},
		places:      []string{"Austria", "Vienna", "Graz", "Styria"},
		officers: []officerSpec{
			lo("at-dsn.gruber", "Stefan Gruber", "SECRET UE"),
			analyst("at-dsn.huber", "Katharina Huber", "SECRET UE", tCT, tVE, tCI, rRU),
		}},
	{id: "dk-pet", name: "Politiets Efterretningstjeneste", short: "PET", kind: liaison.OrgNationalService, country: "DK",
		memberships: []string{membEU, membNATO, clubBerne},
		places:      []string{"Denmark", "Copenhagen", "Aarhus", "Odense"},
		officers: []officerSpec{
			lo("dk-pet.nielsen", "Mette Nielsen", "NATO SECRET"),
			analyst("dk-pet.jensen", "Rasmus Jensen", "NATO SECRET", tCT, tVE, tHY, rRU),
		}},
	{id: hub, name: "EU Intelligence and Situation Centre", short: "EU INTCEN", kind: liaison.OrgEUBody,
		memberships: []string{membEU},
		places:      []string{"the EU", "the Schengen area", "several Member States", "Member States bordering Russia and Belarus", "the Mediterranean Member States"},
		officers: []officerSpec{
			lo(intcenLO, "Ana Sousa", "SECRET UE"),
			analyst("eu-intcen.virtanen", "Mikko Virtanen", "SECRET UE", tHY, tCI, rRU, rCN, tCY, tPR),
			analyst("eu-intcen.popescu", "Ioana Popescu", "SECRET UE", tCT, tVE, rME, rSA),
			analyst("eu-intcen.papadakis", "Dimitris Papadakis", "SECRET UE", tPR, tCY, rME, rCN, tCT),
		}},
	{id: nonEU, name: "Politiets sikkerhetstjeneste", short: "PST", kind: liaison.OrgNationalService, country: "NO",
		memberships: []string{membNATO, clubBerne},
		levels:      [4]string{"", "NO BEGRENSET", "NO KONFIDENSIELT", "NO HEMMELIG"},
		places:      []string{"Norway", "Oslo", "Bergen", "Stavanger"},
		officers: []officerSpec{
			lo("no-pst.haugen", "Ingrid Haugen", "NO HEMMELIG"),
			analyst("no-pst.berg", "Lars Berg", "NO HEMMELIG", tCT, tVE, rME),
		}},
}

// euServices are the EU national services (home included), the parties
// with the hub to the EU INTCEN arrangement and to the counter-terrorism
// group.
var euServices = []string{home, "de-bfv", "fr-dgsi", evolving, "es-cni", breacher, "pl-abw", "se-sapo", "at-dsn", "dk-pet"}

// agreementSpec is an agreement to register, and the scope the generator
// writes products for when it uses it as a channel.
type agreementSpec struct {
	key     string
	title   string
	parties []string
	topics  []string
	ceiling string // a classification as printed
	rank    int    // the ceiling's rank, set when registered
	caveats string
	duties  []liaison.Duty
	from    time.Time
	to      *time.Time
	status  liaison.AgreementStatus
	// suspendAt, when set, is when the home administrator suspends it.
	suspendAt time.Time
	id        string // set when registered
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func datePtr(y int, m time.Month, d int) *time.Time { t := date(y, m, d); return &t }

// Standard duty texts.
const (
	dutyProtect = "Protect received information at no lower level than the originator's marking; observe the third-party rule; report any compromise without delay."
	dutyRFI     = "Acknowledge requests for information within two working days and answer within the deadline agreed, or say why not."
	dutyReturn  = "Answer each contribution in kind and within two weeks; keep the exchange balanced quarter by quarter."
)

func bilateralDuties(a, b string, extra ...string) []liaison.Duty {
	var out []liaison.Duty
	for _, p := range []string{a, b} {
		out = append(out, liaison.Duty{Party: p, Text: dutyProtect})
		for _, e := range extra {
			out = append(out, liaison.Duty{Party: p, Text: e})
		}
	}
	return out
}

// Agreement keys.
const (
	agNLDE   = "nl-de"
	agNLFR   = "nl-fr"
	agNLBE   = "nl-be"
	agNLIT   = "nl-it"
	agNLNO   = "nl-no"
	agNLPL   = "nl-pl-cyber"
	agNLES   = "nl-es-oc"
	agNLAT   = "nl-at-legacy"
	agDEFR   = "de-fr"
	agINTCEN = "intcen"
	agCTG    = "ctg"
)

// agreements builds the scenario's agreements. Those the loop and the
// patterns use are in force until 2030 or open-ended; a few expired,
// suspended or terminated ones make the history realistic.
func agreements() []*agreementSpec {
	intcenParties := append([]string{hub}, euServices...)
	var intcenDuties []liaison.Duty
	intcenDuties = append(intcenDuties,
		liaison.Duty{Party: hub, Text: "Fuse national contributions into all-source assessments and return them to every contributing Member State; never pass a contribution on without its originator's consent."},
		liaison.Duty{Party: hub, Text: dutyProtect})
	for _, p := range euServices {
		intcenDuties = append(intcenDuties, liaison.Duty{Party: p, Text: "Contribute national intelligence to the single intelligence analysis capacity on the priorities agreed each semester."})
	}
	var ctgDuties []liaison.Duty
	for _, p := range euServices {
		ctgDuties = append(ctgDuties, liaison.Duty{Party: p, Text: "Share counter-terrorism reporting of relevance to other members without delay through the group's platform; " + dutyProtect})
	}
	return []*agreementSpec{
		{key: agINTCEN, title: "EU INTCEN — Member States' intelligence contribution arrangement (SIAC)",
			parties: intcenParties, topics: []string{tCT, tVE, tCI, tHY, tCY, tPR, rRU, rCN, rME, rSA},
			ceiling: "SECRET UE", caveats: "REL TO EU", duties: intcenDuties, from: date(2012, 1, 1), status: liaison.AgreementActive},
		{key: agCTG, title: "Counter Terrorist Group — operational exchange arrangement",
			parties: euServices, topics: []string{tCT, tVE, rME, rSA},
			ceiling: "SECRET UE", caveats: "ORCON", duties: ctgDuties, from: date(2016, 7, 1), status: liaison.AgreementActive},
		{key: agNLDE, title: "AIVD–BfV memorandum of understanding on intelligence exchange",
			parties: []string{home, "de-bfv"}, topics: []string{tCT, tVE, tCI, tHY, tCY, tPR, rRU, rCN, rME},
			ceiling: "SECRET UE", duties: bilateralDuties(home, "de-bfv", dutyRFI), from: date(2016, 3, 1), status: liaison.AgreementActive},
		{key: agNLFR, title: "AIVD–DGSI bilateral exchange arrangement",
			parties: []string{home, "fr-dgsi"}, topics: []string{tCT, tVE, tCI, tHY, tCY, rRU, rME, rSA},
			ceiling: "SECRET UE", duties: bilateralDuties(home, "fr-dgsi", dutyRFI), from: date(2017, 9, 1), to: datePtr(2030, 12, 31), status: liaison.AgreementActive},
		{key: agNLBE, title: "AIVD–VSSE memorandum of understanding (2024)",
			parties: []string{home, evolving}, topics: []string{tCT, tVE, tCI, tHY, tCY, tOC, rRU, rME},
			ceiling: "SECRET UE", duties: bilateralDuties(home, evolving, dutyRFI), from: date(2024, 9, 1), status: liaison.AgreementActive},
		{key: agNLIT, title: "AIVD–AISI exchange arrangement",
			parties: []string{home, breacher}, topics: []string{tCT, tVE, tCI, tOC, rRU, rME, rSA},
			ceiling: "SECRET UE", caveats: "ORCON", duties: bilateralDuties(home, breacher, dutyRFI), from: date(2018, 4, 1), to: datePtr(2029, 12, 31), status: liaison.AgreementActive},
		{key: agNLNO, title: "AIVD–PST counter-terrorism exchange (transactional)",
			parties: []string{home, nonEU}, topics: []string{tCT, tVE},
			ceiling: "NATO CONFIDENTIAL", caveats: "ORCON//NO ONWARD", duties: bilateralDuties(home, nonEU, dutyReturn, dutyRFI),
			from: date(2023, 5, 1), to: datePtr(2030, 4, 30), status: liaison.AgreementActive},
		{key: agDEFR, title: "BfV–DGSI bilateral exchange arrangement",
			parties: []string{"de-bfv", "fr-dgsi"}, topics: []string{tCT, tVE, tCI, tHY, tCY, rRU, rCN, rME, rSA},
			ceiling: "SECRET UE", duties: bilateralDuties("de-bfv", "fr-dgsi", dutyRFI), from: date(2015, 1, 1), status: liaison.AgreementActive},
		{key: agNLPL, title: "AIVD–ABW cyber threat exchange pilot (2022–2024)",
			parties: []string{home, "pl-abw"}, topics: []string{tCY, rRU},
			ceiling: "CONFIDENTIEL UE", duties: bilateralDuties(home, "pl-abw"), from: date(2022, 7, 1), to: datePtr(2025, 1, 1), status: liaison.AgreementActive},
		{key: agNLES, title: "AIVD–CNI arrangement on organised crime and corruption",
			parties: []string{home, "es-cni"}, topics: []string{tOC},
			ceiling: "CONFIDENTIEL UE", caveats: "H2", duties: bilateralDuties(home, "es-cni"), from: date(2021, 2, 1), status: liaison.AgreementActive,
			suspendAt: date(2025, 3, 14).Add(10 * time.Hour)},
		{key: agNLAT, title: "AIVD–BVT exchange arrangement (superseded)",
			parties: []string{home, "at-dsn"}, topics: []string{tCT, tVE},
			ceiling: "CONFIDENTIEL UE", duties: bilateralDuties(home, "at-dsn"), from: date(2012, 6, 1), to: datePtr(2021, 12, 1), status: liaison.AgreementTerminated},
	}
}
