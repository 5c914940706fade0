package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// theme is what products of one discipline are about: actors (by region,
// "" for none), what they do (activities fit every region; regional ones
// only their region), and what an analyst judges and watches for.
type theme struct {
	actors     map[string][]string
	activities []string
	regional   map[string][]string
	judgements []string
	indicators []string
}

// regionsOf lists the regions a discipline's products may be about.
var regionsOf = map[string][]string{
	tCT: {rME, rSA},
	tVE: nil,
	tCI: {rRU, rCN},
	tHY: {rRU, rCN},
	tCY: {rRU, rCN},
	tPR: {rRU, rME, rCN},
	tOC: nil,
}

var themes = map[string]theme{
	tCT: {
		actors: map[string][]string{
			"":  {"lone actors inspired by Islamic State propaganda", "a loose network of online jihadist sympathisers", "returning foreign terrorist fighters", "a Chechen-origin jihadist network", "recently released terrorism convicts"},
			rME: {"ISKP-linked facilitators", "an Islamic State cell directed from Syria", "HTS-aligned diaspora fundraisers", "Islamic State core media operatives"},
			rSA: {"JNIM-affiliated financiers", "Islamic State Sahel Province recruiters", "a trans-Saharan smuggling network serving jihadist groups"},
		},
		activities: []string{"attack planning against Christmas markets", "procurement of firearms via darknet vendors", "financing through hawala and crypto-assets",
			"online recruitment of minors", "travel along the Balkan route", "propaganda production in European languages", "interest in drone-borne explosives",
			"reconnaissance of Jewish community sites", "attack planning against a major sporting event", "use of encrypted messengers for operational contact"},
		judgements: []string{"the threat of a low-complexity attack remains substantial", "the network lacks the capability for a complex attack but intent is high",
			"directed plotting from abroad has increased over the last quarter", "minors now make up a growing share of suspects", "the financing flows are small but persistent"},
		indicators: []string{"purchases of precursor chemicals", "sudden travel to Türkiye or the Gulf", "pledges of allegiance posted in closed channels", "reconnaissance footage shared on Telegram"},
	},
	tVE: {
		actors: map[string][]string{
			"": {"right-wing extremist accelerationist cells", "anti-institutional extremists", "a violent left-wing extremist collective", "online 'Com' networks grooming teenagers", "sovereign-citizen militants"},
		},
		activities: []string{"arson attacks on telecom masts", "threats against local politicians", "stockpiling of 3D-printed firearms", "online radicalisation of teenagers",
			"targeting of asylum reception centres", "doxxing of journalists and judges", "training in paramilitary camps abroad"},
		judgements: []string{"violence is likely to remain low-level but widespread", "the online milieu radicalises faster than before", "cross-border links between cells are growing",
			"a small number of individuals show intent and capability for a lethal attack"},
		indicators: []string{"manifesto drafts shared in chat groups", "acquisition of firearm parts", "escalating threats against named officials", "contacts with foreign accelerationist groups"},
	},
	tCI: {
		actors: map[string][]string{
			rRU: {"the GRU", "the SVR", "FSB-directed criminal proxies", "a Russian illegals programme", "intelligence officers under diplomatic cover"},
			rCN: {"the Ministry of State Security", "MSS-linked talent recruiters", "front companies of the Chinese intelligence services", "United Front Work Department affiliates"},
		},
		activities: []string{"recruitment of officials through professional networking sites", "surveillance of defence industry sites", "targeting of port infrastructure",
			"approaches to university researchers in dual-use fields", "monitoring and intimidation of diaspora communities", "cultivation of contacts in ministries",
			"cultivation of members of parliament", "recruitment of disposable agents via Telegram"},
		judgements: []string{"the activity is persistent and tasked from headquarters", "targeting has shifted from government to industry", "the threat to critical suppliers is underestimated",
			"recruitment through intermediaries makes attribution harder"},
		indicators: []string{"unsolicited invitations to conferences abroad", "payments through crypto-asset wallets", "photography near military sites", "repeated visa applications by the same officers"},
	},
	tHY: {
		actors: map[string][]string{
			rRU: {"Russia", "GRU Unit 29155", "a Russian-directed sabotage network", "the Doppelgänger influence operation", "proxy actors recruited by Russian services"},
			rCN: {"Chinese state-linked actors", "a Chinese-flagged merchant vessel operator"},
		},
		activities: []string{"damage to subsea cables in the Baltic Sea", "disinformation campaigns ahead of elections", "mapping of offshore wind and gas infrastructure"},
		regional: map[string][]string{
			rRU: {"instrumentalised migration at the EU's eastern border", "arson attacks commissioned through Telegram", "GNSS jamming affecting civil aviation",
				"parcel incendiary devices sent through logistics hubs", "sabotage of rail signalling"},
			rCN: {"covert influence on local politicians", "acquisition of stakes in port terminals"},
		},
		judgements: []string{"the campaign is coordinated and will continue", "low-cost proxies let the sponsor deny involvement", "the threat to critical infrastructure has risen to high",
			"the aim is to erode public support for Ukraine"},
		indicators: []string{"loitering of vessels near cable routes", "recruitment ads for 'courier jobs'", "surges of coordinated inauthentic accounts", "drone overflights of energy sites"},
	},
	tCY: {
		actors: map[string][]string{
			rRU: {"APT28", "APT29", "Sandworm", "a ransomware affiliate with links to Russian services"},
			rCN: {"APT40", "a Chinese state-sponsored actor", "an actor pre-positioning in critical infrastructure"},
		},
		activities: []string{"spear-phishing against foreign ministries", "exploitation of VPN edge devices", "pre-positioning in water utilities", "compromise of managed service providers",
			"password-spraying against cloud tenants", "targeting of defence contractors' supply chain"},
		judgements: []string{"the actor is collecting for espionage, not disruption, for now", "the intrusion set overlaps with earlier campaigns", "patching alone will not evict the actor",
			"further victims in Member States are likely"},
		indicators: []string{"the indicators of compromise listed in annex", "anomalous logins from residential proxies", "new scheduled tasks on edge devices", "DNS requests to recently registered domains"},
	},
	tPR: {
		actors: map[string][]string{
			rRU: {"Russian procurement networks", "front companies sourcing microelectronics for Russia"},
			rME: {"Iranian procurement agents", "a network supplying Iran's missile programme"},
			rCN: {"DPRK IT workers", "intermediaries transshipping through Hong Kong"},
		},
		activities: []string{"evasion of export controls on dual-use machine tools", "transshipment through third countries", "acquisition of controlled microelectronics",
			"approaches to research institutes for sensitive know-how", "use of shell companies in the EU"},
		judgements: []string{"the network adapts quickly to new sanctions listings", "EU suppliers are being used unknowingly", "the procurement serves the weapons programme directly"},
		indicators: []string{"end-user certificates from new consignees", "orders split below licensing thresholds", "payments routed via third-country banks"},
	},
	tOC: {
		actors: map[string][]string{
			"": {"a cocaine trafficking network using North Sea ports", "Mocro-maffia groups", "a money-laundering network using crypto-assets", "corrupt port workers", "an Albanian-speaking criminal organisation"},
		},
		activities: []string{"cocaine imports through container terminals", "violence against rivals and witnesses", "corruption of customs and port staff", "use of encrypted phone networks",
			"laundering through real estate", "infiltration of logistics companies"},
		judgements: []string{"the groups are increasingly willing to use violence", "corruption is the network's main enabler", "the network is resilient to the arrest of its leaders"},
		indicators: []string{"unexplained wealth of port employees", "threats against lawyers", "new container-tracking app accounts"},
	},
}

// kinds of product, by whose voice they speak.
var (
	nationalKinds = []string{"Intelligence report", "Threat assessment", "Warning", "Situation update", "Analytical note", "Information report"}
	intcenKinds   = []string{"INTCEN Intelligence Assessment", "INTCEN Situation Report", "INTCEN Threat Assessment", "INTCEN Intelligence Summary"}
	ctgKinds      = []string{"CTG threat picture", "CTG alert", "CTG information report"}
)

var sources = []string{"a human source with direct access", "a human source with indirect access", "SIGINT collection", "a liaison partner",
	"open sources corroborated by technical collection", "an intercepted communication", "financial intelligence", "seized devices", "a walk-in of unknown reliability"}

var reliabilityWords = map[string]string{"A": "completely reliable", "B": "usually reliable", "C": "fairly reliable", "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged"}
var credibilityWords = map[string]string{"1": "confirmed by other sources", "2": "probably true", "3": "possibly true", "4": "doubtful", "5": "improbable", "6": "truth cannot be judged"}

// subject is what a product is about, drawn once.
type subject struct {
	discipline, region string
	actor, activity    string
	judgement          string
	indicator          string
}

// topics returns the subject's topics.
func (s subject) topics() []string {
	if s.region == "" {
		return []string{s.discipline}
	}
	return []string{s.discipline, s.region}
}

// drawSubject draws a subject within scope: a discipline among want (or
// any in scope), and a region in scope when the discipline has one.
func (s *sim) drawSubject(scope []string, want ...string) subject {
	var ds []string
	for _, d := range []string{tCT, tVE, tCI, tHY, tCY, tPR, tOC} {
		if slices.Contains(scope, d) && (len(want) == 0 || slices.Contains(want, d)) {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		panic(fmt.Sprintf("demo: no discipline of %v in scope %v", want, scope))
	}
	d := pick(s.rng, ds)
	var regions []string
	for _, r := range regionsOf[d] {
		if slices.Contains(scope, r) {
			regions = append(regions, r)
		}
	}
	region := ""
	th := themes[d]
	if len(regions) > 0 && (len(th.actors[""]) == 0 || s.rng.IntN(10) < 7) {
		region = pick(s.rng, regions)
	}
	activities := append(slices.Clone(th.activities), th.regional[region]...)
	return subject{discipline: d, region: region, actor: pick(s.rng, th.actors[region]), activity: pick(s.rng, activities),
		judgement: pick(s.rng, th.judgements), indicator: pick(s.rng, th.indicators)}
}

// title writes a product's title.
func (s *sim) title(kind string, sub subject, place string) string {
	switch s.rng.IntN(5) {
	case 0:
		return fmt.Sprintf("%s: %s", capitalise(sub.actor), sub.activity)
	case 1:
		return fmt.Sprintf("%s: %s — %s", kind, sub.actor, sub.activity)
	case 2:
		return fmt.Sprintf("%s: %s in %s", capitalise(sub.actor), sub.activity, place)
	case 3:
		return fmt.Sprintf("%s: indications of %s by %s", kind, sub.activity, sub.actor)
	default:
		return fmt.Sprintf("%s: %s (%s)", kind, capitalise(sub.activity), place)
	}
}

// body writes a product's body: summary, sourcing, key judgements,
// indicators and handling.
func (s *sim) body(org *orgSpec, kind string, sub subject, place, rel, cred, banner string) string {
	conf := pick(s.rng, []string{"low", "moderate", "moderate", "high"})
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s (%s).\n\n", kind, org.name, org.short)
	fmt.Fprintf(&b, "Summary: %s in %s, involving %s. %s assesses this with %s confidence.\n\n",
		capitalise(sub.activity), place, sub.actor, org.short, conf)
	fmt.Fprintf(&b, "Sourcing: %s. Grading %s%s: the source is %s; the information is %s.\n\n",
		capitalise(pick(s.rng, sources)), rel, cred, reliabilityWords[rel], credibilityWords[cred])
	fmt.Fprintf(&b, "Key judgements:\n- %s.\n- %s.\n\n", capitalise(sub.judgement), capitalise(pick(s.rng, themes[sub.discipline].judgements)))
	fmt.Fprintf(&b, "Indicators to watch: %s.\n\n", sub.indicator)
	fmt.Fprintf(&b, "Handling: %s.", handlingText(banner))
	return b.String()
}

// handlingText explains a banner's caveats in words.
func handlingText(banner string) string {
	var out []string
	if strings.Contains(banner, "ORCON") {
		out = append(out, "originator controlled: no release to a third party without the originator's written consent")
	}
	if strings.Contains(banner, "NOFORN") {
		out = append(out, "not releasable to foreign services")
	}
	if i := strings.Index(banner, "REL TO "); i >= 0 {
		list := banner[i+len("REL TO "):]
		if j := strings.Index(list, "//"); j >= 0 {
			list = list[:j]
		}
		out = append(out, "releasable to "+list+" only")
	}
	if strings.Contains(banner, "NO ONWARD") {
		out = append(out, "no onward dissemination")
	}
	if strings.Contains(banner, "INFO ONLY") {
		out = append(out, "for information only")
	}
	if strings.Contains(banner, "LEAD ONLY") {
		out = append(out, "lead only, not for use as evidence")
	}
	for _, h := range []string{"H1", "H2", "H3"} {
		if strings.Contains(banner, "//"+h) {
			out = append(out, "Europol handling code "+h)
		}
	}
	if strings.Contains(banner, "EXPIRES") {
		out = append(out, "the release restrictions lapse at the stated expiry")
	}
	if len(out) == 0 {
		return "handle according to the classification"
	}
	return strings.Join(out, "; ")
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

// grading draws an Admiralty grading weighted to realistic values: most
// reporting is B or C, 2 or 3.
func (s *sim) grading() (string, string) {
	rel := weighted(s.rng, []string{"A", "B", "C", "D", "E", "F"}, []int{4, 36, 36, 10, 3, 9})
	cred := weighted(s.rng, []string{"1", "2", "3", "4", "5", "6"}, []int{6, 36, 34, 12, 3, 7})
	return rel, cred
}

// scheme names how a product's classification is written.
type scheme int

const (
	schemeNational scheme = iota
	schemeEU
	schemeNATO
	schemeTLP
)

// classification returns the banner of rank in the scheme, falling back
// to the EU scheme where the organisation's own has no such level.
func classification(org *orgSpec, sc scheme, rank int) string {
	switch sc {
	case schemeNational:
		if l := org.levels[rank]; l != "" {
			return l
		}
	case schemeNATO:
		return natoLevels[rank]
	case schemeTLP:
		return []string{"TLP:GREEN", "TLP:AMBER", "TLP:RED", "TLP:RED"}[rank]
	}
	if rank == 0 {
		return "TLP:GREEN"
	}
	return euLevels[rank]
}

// caveatSet is what the generator decides about a product's caveats.
type caveatSet struct {
	orcon, noforn, noOnward, infoOnly, leadOnly bool
	relTo                                       []string
	handling                                    string
	expires                                     time.Time
}

// banner prints a classification and caveats in the canonical order.
func (c caveatSet) banner(class string) string {
	parts := []string{class}
	if c.orcon {
		parts = append(parts, "ORCON")
	}
	if c.noforn {
		parts = append(parts, "NOFORN")
	}
	if len(c.relTo) > 0 {
		rel := slices.Clone(c.relTo)
		slices.Sort(rel)
		parts = append(parts, "REL TO "+strings.Join(slices.Compact(rel), ", "))
	}
	if c.noOnward {
		parts = append(parts, "NO ONWARD")
	}
	if c.infoOnly {
		parts = append(parts, "INFO ONLY")
	}
	if c.leadOnly {
		parts = append(parts, "LEAD ONLY")
	}
	if c.handling != "" {
		parts = append(parts, c.handling)
	}
	if !c.expires.IsZero() {
		parts = append(parts, "EXPIRES "+c.expires.Format(time.DateOnly))
	}
	return strings.Join(parts, "//")
}
