package policy_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/policy"
)

var (
	marks  = marking.DefaultRegistry()
	engine = policy.New(marks)
	now    = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
)

func org(id, country string, members ...string) *liaison.Organisation {
	return &liaison.Organisation{ID: id, Name: id, Kind: liaison.OrgNationalService, Country: country, Memberships: members}
}

var (
	orgDE  = org("de-bfv", "DE", "EU", "NATO")
	orgFR  = org("fr-dgsi", "FR", "EU", "NATO")
	orgES  = org("es-cni", "ES", "EU")
	orgNO  = org("no-pst", "NO", "NATO")
	orgDE2 = org("de-bnd", "DE", "EU", "NATO")
)

func officer(o *liaison.Organisation, role liaison.Role, clearance string, topics ...string) *liaison.Officer {
	c, err := marks.ParseClassification(clearance)
	if err != nil {
		panic(err)
	}
	return &liaison.Officer{ID: o.ID + ".officer", OrgID: o.ID, Name: "Officer", Role: role, Clearance: c, NeedToKnow: topics, Active: true}
}

func product(id string, by *liaison.Organisation, banner string, topics ...string) *liaison.Product {
	m, err := marks.Parse(banner)
	if err != nil {
		panic(err)
	}
	return &liaison.Product{ID: id, Version: 1, Title: id, Topics: topics, Marking: m, OriginatorOrg: by.ID,
		OriginatorOfficer: by.ID + ".officer", Reliability: "B", Credibility: "2", Origins: []string{by.ID}}
}

func agreement(ceiling string, topics []string, parties ...*liaison.Organisation) *liaison.Agreement {
	c, err := marks.ParseClassification(ceiling)
	if err != nil {
		panic(err)
	}
	a := &liaison.Agreement{ID: "a1", Title: "bilateral", Topics: topics, Ceiling: c,
		ValidFrom: now.AddDate(-1, 0, 0), Status: liaison.AgreementActive}
	for _, p := range parties {
		a.Parties = append(a.Parties, p.ID)
	}
	slices.Sort(a.Parties)
	return a
}

// base is the input for officer of DE disseminating DE's SECRET UE product
// to FR under an agreement that covers it; each case changes one thing.
func base(action liaison.Action) *policy.Input {
	p := product("p1", orgDE, "SECRET UE//ORCON", "counter-terrorism")
	return &policy.Input{
		Action: action, Officer: officer(orgDE, liaison.RoleLiaison, "SECRET UE", "counter-terrorism", "cyber"),
		Org: orgDE, Product: p, Originator: orgDE, Held: true, Target: orgFR,
		Agreement: agreement("SECRET UE", []string{"counter-terrorism"}, orgDE, orgFR), Now: now,
	}
}

// asRecipient turns base into FR's officer holding the product received
// from DE, about to pass it to ES.
func asRecipient(in *policy.Input) *policy.Input {
	in.Officer = officer(orgFR, liaison.RoleLiaison, "FR SECRET", "counter-terrorism")
	in.Org, in.Target = orgFR, orgES
	in.Agreement = agreement("SECRET UE", []string{"counter-terrorism"}, orgFR, orgES)
	return in
}

func codes(d liaison.Decision) []string {
	out := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		out[i] = r.Code
	}
	return out
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name    string
		action  liaison.Action
		change  func(in *policy.Input)
		allowed bool
		want    []string // reason codes that must be present
	}{
		{"an officer of the originator reads its product", liaison.ActionRead, nil, true, []string{policy.CodeHeldOK, policy.CodeClearanceOK, policy.CodeNeedToKnowOK}},
		{"an inactive officer reads nothing", liaison.ActionRead, func(in *policy.Input) { in.Officer.Active = false }, false, []string{policy.CodeInactive}},
		{"an auditor reads no product", liaison.ActionRead, func(in *policy.Input) { in.Officer.Role = liaison.RoleAuditor }, false, []string{policy.CodeRole}},
		{"an organisation that does not hold the product cannot read it", liaison.ActionRead, func(in *policy.Input) { in.Held = false }, false, []string{policy.CodeNotHeld}},
		{"an officer of another organisation cannot read through the holder", liaison.ActionRead, func(in *policy.Input) { in.Officer = officer(orgFR, liaison.RoleAnalyst, "SECRET UE", "*") }, false, []string{policy.CodeNotHeld}},
		{"a clearance below the classification denies", liaison.ActionRead, func(in *policy.Input) {
			in.Officer.Clearance = marking.Classification{Scheme: "EU", Level: "CONFIDENTIEL UE"}
		}, false, []string{policy.CodeClearance}},
		{"an equivalent clearance of another scheme allows", liaison.ActionRead, func(in *policy.Input) {
			in.Officer.Clearance = marking.Classification{Scheme: "NATO", Level: "NATO SECRET"}
		}, true, nil},
		{"need-to-know without a shared topic denies", liaison.ActionRead, func(in *policy.Input) { in.Officer.NeedToKnow = []string{"cyber"} }, false, []string{policy.CodeNeedToKnow}},
		{"need-to-know of every topic allows", liaison.ActionRead, func(in *policy.Input) { in.Officer.NeedToKnow = []string{"*"} }, true, nil},
		{"several failures are all reported", liaison.ActionRead, func(in *policy.Input) {
			in.Held = false
			in.Officer.NeedToKnow = []string{"cyber"}
			in.Officer.Clearance = marking.Classification{Scheme: "EU", Level: "RESTREINT UE"}
		}, false, []string{policy.CodeNotHeld, policy.CodeClearance, policy.CodeNeedToKnow}},
		{"an unknown action is denied", liaison.Action("publish"), nil, false, []string{policy.CodeUnknownAction}},

		{"the originator disseminates under an agreement in force", liaison.ActionDisseminate, nil, true, []string{policy.CodeAgreementOK, policy.CodeOriginatorOK, policy.CodeReleasableOK}},
		{"an analyst may not disseminate", liaison.ActionDisseminate, func(in *policy.Input) { in.Officer.Role = liaison.RoleAnalyst }, false, []string{policy.CodeRole}},
		{"dissemination needs a recipient", liaison.ActionDisseminate, func(in *policy.Input) { in.Target = nil }, false, []string{policy.CodeNoTarget}},
		{"dissemination to one's own organisation is refused", liaison.ActionDisseminate, func(in *policy.Input) { in.Target = orgDE }, false, []string{policy.CodeSameOrg}},
		{"dissemination needs an agreement", liaison.ActionDisseminate, func(in *policy.Input) { in.Agreement = nil }, false, []string{policy.CodeNoAgreement}},
		{"the agreement must bind both parties", liaison.ActionDisseminate, func(in *policy.Input) { in.Target = orgES }, false, []string{policy.CodeAgreementParty}},
		{"a suspended agreement does not allow", liaison.ActionDisseminate, func(in *policy.Input) { in.Agreement.Status = liaison.AgreementSuspended }, false, []string{policy.CodeAgreementStatus}},
		{"an expired agreement does not allow", liaison.ActionDisseminate, func(in *policy.Input) { e := now.AddDate(0, -1, 0); in.Agreement.ValidTo = &e }, false, []string{policy.CodeAgreementStatus}},
		{"an agreement not yet valid does not allow", liaison.ActionDisseminate, func(in *policy.Input) { in.Agreement.ValidFrom = now.AddDate(0, 1, 0) }, false, []string{policy.CodeAgreementStatus}},
		{"a topic outside the agreement's scope denies", liaison.ActionDisseminate, func(in *policy.Input) { in.Product.Topics = []string{"counter-terrorism", "russia"} }, false, []string{policy.CodeAgreementScope}},
		{"a classification above the ceiling denies", liaison.ActionDisseminate, func(in *policy.Input) {
			in.Agreement.Ceiling = marking.Classification{Scheme: "EU", Level: "CONFIDENTIEL UE"}
		}, false, []string{policy.CodeCeiling}},
		{"a NATO ceiling of equal rank allows an EU product", liaison.ActionDisseminate, func(in *policy.Input) {
			in.Agreement.Ceiling = marking.Classification{Scheme: "NATO", Level: "NATO SECRET"}
		}, true, nil},
		{"NOFORN material does not go abroad", liaison.ActionDisseminate, func(in *policy.Input) { in.Product.Marking.NoForeign = true }, false, []string{policy.CodeNoForeign}},
		{"NOFORN material may go to a service of the same country", liaison.ActionDisseminate, func(in *policy.Input) {
			in.Product.Marking.NoForeign = true
			in.Target = orgDE2
			in.Agreement = agreement("SECRET UE", []string{"*"}, orgDE, orgDE2)
		}, true, nil},
		{"REL TO excludes a recipient outside the list", liaison.ActionDisseminate, func(in *policy.Input) { in.Product.Marking.ReleasableTo = []string{"DE", "NL"} }, false, []string{policy.CodeReleasability}},
		{"REL TO a membership includes its members", liaison.ActionDisseminate, func(in *policy.Input) { in.Product.Marking.ReleasableTo = []string{"EU"} }, true, nil},
		{"expired material is not disseminated", liaison.ActionDisseminate, func(in *policy.Input) { in.Product.Marking.Expires = now.AddDate(0, 0, -1).Truncate(24 * time.Hour) }, false, []string{policy.CodeExpired}},
		{"TLP:RED goes from its originator to a named recipient", liaison.ActionDisseminate, func(in *policy.Input) {
			in.Product.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "RED"}}
		}, true, nil},
		{"TLP:RED that came by import never leaves the node", liaison.ActionDisseminate, func(in *policy.Input) {
			in.Product.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "RED"}}
			in.Product.OriginatorOfficer = ""
		}, false, []string{policy.CodeTLPRed}},
		{"TLP:RED is not forwarded even with the originator's consent", liaison.ActionForward, func(in *policy.Input) {
			in.Product.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "RED"}}
			in.Org, in.Product.Origins = orgDE2, []string{orgDE.ID}
			in.Officer.OrgID = orgDE2.ID
			in.Agreement = agreement("SECRET UE", []string{"*"}, orgDE2, in.Target)
			in.Consents = []string{orgDE.ID}
		}, false, []string{policy.CodeTLPRed}},
		{"TLP:AMBER may go under an agreement", liaison.ActionDisseminate, func(in *policy.Input) {
			in.Product.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "AMBER"}}
		}, true, nil},
		{"a tear-line needs the consent of its source's originator", liaison.ActionDisseminate, func(in *policy.Input) {
			src := product("p0", orgNO, "NATO SECRET", "counter-terrorism")
			in.Lineage = []*liaison.Product{src}
			in.Product.Origins = []string{orgDE.ID, orgNO.ID}
		}, false, []string{policy.CodeOriginator}},
		{"a tear-line whose source's originator consented may go", liaison.ActionDisseminate, func(in *policy.Input) {
			src := product("p0", orgNO, "NATO SECRET", "counter-terrorism")
			in.Lineage = []*liaison.Product{src}
			in.Product.Origins = []string{orgDE.ID, orgNO.ID}
			in.Consents = []string{orgNO.ID}
		}, true, nil},
		{"a source's REL TO binds its tear-lines", liaison.ActionDisseminate, func(in *policy.Input) {
			src := product("p0", orgNO, "NATO SECRET//REL TO NO, DE", "counter-terrorism")
			in.Lineage = []*liaison.Product{src}
			in.Product.Origins = []string{orgDE.ID, orgNO.ID}
			in.Consents = []string{orgNO.ID}
		}, false, []string{policy.CodeReleasability}},

		{"the originator's own NOFORN source does not bind its sanitised tear-line", liaison.ActionDisseminate, func(in *policy.Input) {
			src := product("p0", orgDE, "SECRET UE//NOFORN", "counter-terrorism")
			in.Lineage = []*liaison.Product{src}
		}, true, nil},
		{"a tear-line may go back to the originator of its source", liaison.ActionForward, func(in *policy.Input) {
			asRecipient(in)
			src := product("p0", orgES, "SECRET UE//ORCON", "counter-terrorism")
			in.Lineage = []*liaison.Product{src}
			in.Product.OriginatorOrg, in.Originator = orgFR.ID, orgFR
			in.Product.Origins = []string{orgES.ID, orgFR.ID}
		}, true, []string{policy.CodeOriginatorOK}},
		{"a recipient may not forward without the originator's consent", liaison.ActionForward, func(in *policy.Input) { asRecipient(in) }, false, []string{policy.CodeOriginator}},
		{"a recipient forwards with the originator's consent", liaison.ActionForward, func(in *policy.Input) { asRecipient(in); in.Consents = []string{orgDE.ID} }, true, []string{policy.CodeOriginatorOK}},
		{"consent of another organisation is not the originator's", liaison.ActionForward, func(in *policy.Input) { asRecipient(in); in.Consents = []string{orgNO.ID} }, false, []string{policy.CodeOriginator}},
		{"consent does not lift REL TO", liaison.ActionForward, func(in *policy.Input) {
			asRecipient(in)
			in.Consents = []string{orgDE.ID}
			in.Product.Marking.ReleasableTo = []string{"DE", "FR"}
		}, false, []string{policy.CodeReleasability}},
		{"TLP:CLEAR without restrictions may be passed on", liaison.ActionForward, func(in *policy.Input) {
			asRecipient(in)
			in.Product.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "CLEAR"}}
		}, true, nil},
		{"TLP:CLEAR under ORCON still needs consent", liaison.ActionForward, func(in *policy.Input) {
			asRecipient(in)
			in.Product.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "CLEAR"}, OriginatorControl: true}
		}, false, []string{policy.CodeOriginator}},
		{"TLP:GREEN needs consent", liaison.ActionForward, func(in *policy.Input) {
			asRecipient(in)
			in.Product.Marking = marking.Marking{Classification: marking.Classification{Scheme: "TLP", Level: "GREEN"}}
		}, false, []string{policy.CodeOriginator}},
		{"a refused forward lists every reason", liaison.ActionForward, func(in *policy.Input) {
			asRecipient(in)
			in.Agreement.Status = liaison.AgreementSuspended
			in.Product.Marking.ReleasableTo = []string{"DE", "FR"}
		}, false, []string{policy.CodeAgreementStatus, policy.CodeOriginator, policy.CodeReleasability}},

		{"the originator may downgrade its own product", liaison.ActionDowngrade, nil, true, []string{policy.CodeDowngradeOK}},
		{"a recipient may not downgrade", liaison.ActionDowngrade, func(in *policy.Input) { asRecipient(in) }, false, []string{policy.CodeOriginator}},
		{"a tear-line of foreign material may not be downgraded by its writer", liaison.ActionDowngrade, func(in *policy.Input) { in.Product.Origins = []string{orgDE.ID, orgNO.ID} }, false, []string{policy.CodeOriginator}},

		{"unrestricted material may be used as evidence", liaison.ActionUseAsEvidence, func(in *policy.Input) { asRecipient(in) }, true, []string{policy.CodeEvidenceOK}},
		{"LEAD ONLY material is not evidence", liaison.ActionUseAsEvidence, func(in *policy.Input) { in.Product.Marking.LeadOnly = true }, false, []string{policy.CodeLeadOnly}},
		{"INFO ONLY material is not evidence", liaison.ActionUseAsEvidence, func(in *policy.Input) { in.Product.Marking.InfoOnly = true }, false, []string{policy.CodeInfoOnly}},
		{"H1 material is not evidence for a recipient", liaison.ActionUseAsEvidence, func(in *policy.Input) { asRecipient(in); in.Product.Marking.Handling = marking.H1 }, false, []string{policy.CodeHandling}},
		{"H1 material is evidence for its provider", liaison.ActionUseAsEvidence, func(in *policy.Input) { in.Product.Marking.Handling = marking.H1 }, true, nil},
		{"a LEAD ONLY source taints its tear-lines", liaison.ActionUseAsEvidence, func(in *policy.Input) {
			src := product("p0", orgNO, "NATO SECRET//LEAD ONLY", "counter-terrorism")
			in.Lineage = []*liaison.Product{src}
		}, false, []string{policy.CodeLeadOnly}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base(tt.action)
			if tt.change != nil {
				tt.change(in)
			}
			d := engine.Decide(in)
			got := codes(d)
			if d.Allowed != tt.allowed {
				t.Fatalf("allowed = %v, want %v; reasons %v", d.Allowed, tt.allowed, d.Reasons)
			}
			for _, c := range tt.want {
				if !slices.Contains(got, c) {
					t.Errorf("reason %s missing from %v", c, got)
				}
			}
			if len(d.Reasons) == 0 {
				t.Errorf("a decision must give its reasons")
			}
			for _, r := range d.Reasons {
				if r.Message == "" {
					t.Errorf("reason %s has no message", r.Code)
				}
				if !d.Allowed && strings.HasSuffix(r.Code, "_ok") {
					t.Errorf("a denial lists an allowing reason %s", r.Code)
				}
			}
		})
	}
}

func TestDeriveAllowed(t *testing.T) {
	mk := func(b string) *marking.Marking {
		m, err := marks.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		return &m
	}
	tests := []struct {
		name    string
		recip   bool
		child   string
		allowed bool
	}{
		{"the originator may write a lower tear-line of its own product", false, "CONFIDENTIEL UE", true},
		{"a recipient may write a tear-line as restricted as the source", true, "SECRET UE//ORCON", true},
		{"a recipient may write a more restricted tear-line", true, "TRES SECRET UE//ORCON//NOFORN", true},
		{"a recipient may not lower the classification", true, "CONFIDENTIEL UE//ORCON", false},
		{"a recipient may not drop ORCON", true, "SECRET UE", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base(liaison.ActionRead)
			if tt.recip {
				asRecipient(in)
			}
			d := engine.DeriveAllowed(in, mk(tt.child))
			if d.Allowed != tt.allowed {
				t.Fatalf("allowed = %v, want %v: %v", d.Allowed, tt.allowed, d.Reasons)
			}
		})
	}
}

func BenchmarkDecide(b *testing.B) {
	in := asRecipient(base(liaison.ActionForward))
	in.Consents = []string{orgDE.ID}
	b.ReportAllocs()
	for b.Loop() {
		if d := engine.Decide(in); !d.Allowed {
			b.Fatal(d.Reasons)
		}
	}
}

func BenchmarkDecideDenied(b *testing.B) {
	in := asRecipient(base(liaison.ActionForward))
	b.ReportAllocs()
	for b.Loop() {
		if d := engine.Decide(in); d.Allowed {
			b.Fatal("allowed")
		}
	}
}
