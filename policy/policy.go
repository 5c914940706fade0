// Package policy decides what an officer may do with an intelligence
// product: read it, disseminate it to a partner, forward it to a third
// party, downgrade it, use it as evidence. It is one pure function, Decide,
// that denies by default and returns every reason, not only the first.
//
// The third-party rule is structural: a product carries its Origins (its
// originator and the origins of every product it was derived from), and no
// organisation other than an origin may pass it on unless every origin has
// consented to that recipient. Caveats (NOFORN, REL TO, expiry) are hard
// restrictions of the originator that consent does not lift; the
// originator changes them by issuing a new version.
package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// Reason codes. They are stable: the API returns them and scripts match on
// them. Codes of reasons that allow end in "_ok".
const (
	CodeUnknownAction   = "unknown_action"
	CodeInactive        = "officer_inactive"
	CodeRole            = "role"
	CodeRoleOK          = "role_ok"
	CodeNotHeld         = "not_held"
	CodeHeldOK          = "held_ok"
	CodeClearance       = "clearance"
	CodeClearanceOK     = "clearance_ok"
	CodeNeedToKnow      = "need_to_know"
	CodeNeedToKnowOK    = "need_to_know_ok"
	CodeNoTarget        = "no_target"
	CodeSameOrg         = "same_org"
	CodeNoAgreement     = "no_agreement"
	CodeAgreementParty  = "agreement_party"
	CodeAgreementStatus = "agreement_not_in_force"
	CodeAgreementScope  = "agreement_scope"
	CodeCeiling         = "agreement_ceiling"
	CodeAgreementOK     = "agreement_ok"
	CodeOriginator      = "originator_control"
	CodeOriginatorOK    = "originator_consent_ok"
	CodeNoForeign       = "noforn"
	CodeReleasability   = "releasability"
	CodeReleasableOK    = "releasable_ok"
	CodeExpired         = "expired"
	CodeTLPRed          = "tlp_red"
	CodeLeadOnly        = "lead_only"
	CodeInfoOnly        = "info_only"
	CodeHandling        = "handling_code"
	CodeEvidenceOK      = "evidence_ok"
	CodeDowngradeOK     = "downgrade_ok"
	CodeWeakerMarking   = "weaker_marking"
	CodeMarking         = "invalid_marking"
)

// Input is everything Decide needs; the caller loads it. Fields an action
// does not use may be left zero.
type Input struct {
	Action liaison.Action
	// Officer acts, for Org (the officer's organisation).
	Officer *liaison.Officer
	Org     *liaison.Organisation
	// Product is the version acted on; Lineage its ancestors, parent first.
	Product *liaison.Product
	Lineage []*liaison.Product
	// Originator is the organisation that wrote Product.
	Originator *liaison.Organisation
	// Held reports that Org holds this version (as originator or by an
	// unrecalled dissemination).
	Held bool
	// Target receives the product (disseminate, forward).
	Target *liaison.Organisation
	// Agreement is the one the product would travel under; nil if none.
	Agreement *liaison.Agreement
	// Consents lists the organisations that have consented to Product or
	// an ancestor reaching Target (see liaison.Tx.Consents).
	Consents []string
	// NewMarking is the marking wanted (downgrade).
	NewMarking *marking.Marking
	Now        time.Time
}

// Engine decides with a marking registry. The zero value is not usable;
// make one with New.
type Engine struct {
	marks *marking.Registry
}

// New returns an Engine that ranks classifications with marks.
func New(marks *marking.Registry) *Engine { return &Engine{marks: marks} }

// Decide answers whether in.Officer may perform in.Action. It is pure and
// safe for concurrent use. It denies by default: the decision is allowed
// only if every rule for the action passes, and it lists every reason.
func (e *Engine) Decide(in *Input) liaison.Decision {
	d := decision{reasons: make([]liaison.Reason, 0, 8)}
	switch in.Action {
	case liaison.ActionRead:
		e.checkRead(&d, in)
	case liaison.ActionDisseminate, liaison.ActionForward:
		e.checkRead(&d, in)
		e.checkSend(&d, in)
	case liaison.ActionDowngrade:
		e.checkRead(&d, in)
		e.checkDowngrade(&d, in)
	case liaison.ActionUseAsEvidence:
		e.checkRead(&d, in)
		e.checkEvidence(&d, in)
	default:
		d.deny(CodeUnknownAction, fmt.Sprintf("unknown action %q: the policy knows read, disseminate, forward, downgrade and use_as_evidence", in.Action))
	}
	return d.result()
}

type decision struct {
	denied  bool
	reasons []liaison.Reason
}

func (d *decision) deny(code, msg string) {
	d.denied = true
	d.reasons = append(d.reasons, liaison.Reason{Code: code, Message: msg})
}

func (d *decision) allow(code, msg string) {
	d.reasons = append(d.reasons, liaison.Reason{Code: code, Message: msg})
}

// result keeps only the denying reasons of a denied decision, so that the
// reasons answer "why not".
func (d *decision) result() liaison.Decision {
	if !d.denied {
		return liaison.Decision{Allowed: len(d.reasons) > 0, Reasons: d.reasons}
	}
	out := d.reasons[:0]
	for _, r := range d.reasons {
		if !strings.HasSuffix(r.Code, "_ok") {
			out = append(out, r)
		}
	}
	return liaison.Decision{Allowed: false, Reasons: out}
}

// roles lists the roles allowed each action.
var roles = map[liaison.Action][]liaison.Role{
	liaison.ActionRead:          {liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst},
	liaison.ActionDisseminate:   {liaison.RoleAdmin, liaison.RoleLiaison},
	liaison.ActionForward:       {liaison.RoleAdmin, liaison.RoleLiaison},
	liaison.ActionDowngrade:     {liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst},
	liaison.ActionUseAsEvidence: {liaison.RoleAdmin, liaison.RoleLiaison, liaison.RoleAnalyst},
}

// checkRead holds for every action: an active officer in a role allowed
// the action, whose organisation holds the product, cleared for its
// classification, with need-to-know for one of its topics.
func (e *Engine) checkRead(d *decision, in *Input) {
	o, p := in.Officer, in.Product
	if o == nil || p == nil || in.Org == nil {
		d.deny(CodeNotHeld, "no officer or no product")
		return
	}
	if !o.Active {
		d.deny(CodeInactive, fmt.Sprintf("officer %s is not active", o.ID))
	}
	if slices.Contains(roles[in.Action], o.Role) {
		d.allow(CodeRoleOK, "the role "+string(o.Role)+" may "+string(in.Action))
	} else {
		d.deny(CodeRole, fmt.Sprintf("the role %s may not %s", o.Role, in.Action))
	}
	if in.Held && o.OrgID == in.Org.ID {
		d.allow(CodeHeldOK, in.Org.ID+" holds the product")
	} else {
		d.deny(CodeNotHeld, fmt.Sprintf("%s does not hold version %d of the product", o.OrgID, p.Version))
	}
	pr, perr := e.marks.Rank(p.Marking.Classification)
	cr, cerr := e.marks.Rank(o.Clearance)
	switch {
	case perr != nil:
		d.deny(CodeMarking, fmt.Sprintf("the product's classification cannot be ranked: %v", perr))
	case cerr != nil:
		d.deny(CodeClearance, fmt.Sprintf("the officer's clearance cannot be ranked: %v", cerr))
	case cr < pr:
		d.deny(CodeClearance, fmt.Sprintf("clearance %s is below the product's classification %s", o.Clearance, p.Marking.Classification))
	default:
		d.allow(CodeClearanceOK, "clearance covers the classification")
	}
	if liaison.SharesTopic(o.NeedToKnow, p.Topics) {
		d.allow(CodeNeedToKnowOK, "need-to-know covers a topic of the product")
	} else {
		d.deny(CodeNeedToKnow, fmt.Sprintf("need-to-know (%s) shares no topic with the product (%s)",
			strings.Join(o.NeedToKnow, ", "), strings.Join(p.Topics, ", ")))
	}
}

// checkSend holds for disseminate and forward.
func (e *Engine) checkSend(d *decision, in *Input) {
	p, t := in.Product, in.Target
	if p == nil || in.Org == nil {
		return
	}
	if t == nil {
		d.deny(CodeNoTarget, "no recipient organisation named")
		return
	}
	if t.ID == in.Org.ID {
		d.deny(CodeSameOrg, "the recipient is the sender's own organisation")
	}
	e.checkAgreement(d, in)
	checkConsent(d, in)
	e.checkCaveats(d, in)
}

func (e *Engine) checkAgreement(d *decision, in *Input) {
	a, p, t := in.Agreement, in.Product, in.Target
	if a == nil {
		d.deny(CodeNoAgreement, fmt.Sprintf("no agreement in force between %s and %s covers this product", in.Org.ID, t.ID))
		return
	}
	ok := true
	if !a.HasParty(in.Org.ID) || !a.HasParty(t.ID) {
		ok = false
		d.deny(CodeAgreementParty, fmt.Sprintf("agreement %q is not between %s and %s", a.Title, in.Org.ID, t.ID))
	}
	if !a.InForce(in.Now) {
		ok = false
		d.deny(CodeAgreementStatus, fmt.Sprintf("agreement %q is not in force on %s (status %s)", a.Title, in.Now.Format(time.DateOnly), a.Status))
	}
	if !liaison.CoversTopics(a.Topics, p.Topics) {
		ok = false
		d.deny(CodeAgreementScope, fmt.Sprintf("the product's topics (%s) are outside the scope of agreement %q (%s)",
			strings.Join(p.Topics, ", "), a.Title, strings.Join(a.Topics, ", ")))
	}
	pr, perr := e.marks.Rank(p.Marking.Classification)
	cr, cerr := e.marks.Rank(a.Ceiling)
	if perr != nil || cerr != nil || pr > cr {
		ok = false
		d.deny(CodeCeiling, fmt.Sprintf("%s is above the ceiling %s of agreement %q", p.Marking.Classification, a.Ceiling, a.Title))
	}
	if ok {
		d.allow(CodeAgreementOK, fmt.Sprintf("agreement %q covers the product", a.Title))
	}
}

// checkConsent is the third-party rule: every origin other than the
// sender's own organisation must have consented to the recipient. Only
// public material (TLP:CLEAR throughout the lineage, with no originator
// restriction) is exempt.
func checkConsent(d *decision, in *Input) {
	if public(in.Product, in.Lineage) {
		d.allow(CodeOriginatorOK, "TLP:CLEAR without originator restriction: the originator allows onward release")
		return
	}
	missing := false
	for _, origin := range in.Product.Origins {
		// The sender's own material needs no consent, nor does material
		// going back to one of its own originators.
		if origin == in.Org.ID || origin == in.Target.ID || slices.Contains(in.Consents, origin) {
			continue
		}
		missing = true
		d.deny(CodeOriginator, fmt.Sprintf("third-party rule: %s is an originator and has not consented to release to %s (ask with a release request)", origin, in.Target.ID))
	}
	if !missing {
		d.allow(CodeOriginatorOK, "every originator consents")
	}
}

func public(p *liaison.Product, lineage []*liaison.Product) bool {
	if !clear(&p.Marking) {
		return false
	}
	for _, a := range lineage {
		if !clear(&a.Marking) {
			return false
		}
	}
	return true
}

func clear(m *marking.Marking) bool {
	return m.Classification.Scheme == "TLP" && m.Classification.Level == "CLEAR" &&
		!m.OriginatorControl && !m.NoOnward && !m.NoForeign && len(m.ReleasableTo) == 0 &&
		(m.Handling == "" || m.Handling == marking.H0)
}

// checkCaveats applies the originators' hard restrictions, of the product
// and of every ancestor written by another organisation: expiry, NOFORN
// and releasable-to lists. An ancestor the sender wrote itself binds only
// through the tear-line's own marking: sanitising its own material is the
// originator's right (DeriveAllowed keeps a tear-line that also carries
// foreign material at least as restricted as its source).
func (e *Engine) checkCaveats(d *decision, in *Input) {
	ok := caveatsAllow(d, in, in.Product)
	for _, a := range in.Lineage {
		if a.OriginatorOrg == in.Org.ID {
			continue
		}
		ok = caveatsAllow(d, in, a) && ok
	}
	if ok {
		d.allow(CodeReleasableOK, "the markings allow release to "+in.Target.ID)
	}
}

func caveatsAllow(d *decision, in *Input, p *liaison.Product) bool {
	m, t, ok := &p.Marking, in.Target, true
	what := "the product"
	if p != in.Product {
		what = fmt.Sprintf("its source %s (v%d)", p.ID, p.Version)
	}
	if m.Expired(in.Now) {
		ok = false
		d.deny(CodeExpired, fmt.Sprintf("%s expired on %s", what, m.Expires.Format(time.DateOnly)))
	}
	// TLP:RED is for the recipients its originator names, and no further:
	// only the originator sends it, and only what one of its officers
	// wrote (an imported product, which nobody on the node wrote, was
	// received, so it never leaves the node). No consent lifts that.
	if m.Classification.Scheme == "TLP" && m.Classification.Level == "RED" {
		switch {
		case p != in.Product || p.OriginatorOrg != in.Org.ID:
			ok = false
			d.deny(CodeTLPRed, fmt.Sprintf("%s is TLP:RED: for its named recipients only, it may not be passed on", what))
		case p.OriginatorOfficer == "":
			ok = false
			d.deny(CodeTLPRed, fmt.Sprintf("%s is TLP:RED and was received by import: it never leaves the node", what))
		}
	}
	if m.NoForeign {
		country := ""
		if in.Originator != nil && p.OriginatorOrg == in.Originator.ID {
			country = in.Originator.Country
		}
		if country == "" || t.Country != country {
			ok = false
			d.deny(CodeNoForeign, fmt.Sprintf("%s is NOFORN and %s is not of the originator's country", what, t.ID))
		}
	}
	if len(m.ReleasableTo) > 0 {
		match := false
		for _, tok := range m.ReleasableTo {
			if t.MemberOf(tok) {
				match = true
				break
			}
		}
		if !match {
			ok = false
			d.deny(CodeReleasability, fmt.Sprintf("%s is releasable to %s only; %s matches none", what, strings.Join(m.ReleasableTo, ", "), t.ID))
		}
	}
	return ok
}

// checkDowngrade: only an originator may lower the classification or lift
// caveats, and only of material that is wholly its own.
func (e *Engine) checkDowngrade(d *decision, in *Input) {
	p := in.Product
	if p == nil || in.Org == nil {
		return
	}
	ok := true
	for _, origin := range p.Origins {
		if origin != in.Org.ID {
			ok = false
			d.deny(CodeOriginator, fmt.Sprintf("only the originator may downgrade: %s is an originator of this product", origin))
		}
	}
	if in.NewMarking != nil {
		if _, err := e.marks.Rank(in.NewMarking.Classification); err != nil {
			ok = false
			d.deny(CodeMarking, fmt.Sprintf("the new marking is invalid: %v", err))
		}
	}
	if ok {
		d.allow(CodeDowngradeOK, in.Org.ID+" is the sole originator")
	}
}

// checkEvidence: lead-only, information-only and H1 material is not
// evidence, whoever holds it; the restriction of any ancestor carries over.
func (e *Engine) checkEvidence(d *decision, in *Input) {
	if in.Product == nil || in.Org == nil {
		return
	}
	ok := evidenceAllowed(d, in, in.Product)
	for _, a := range in.Lineage {
		ok = evidenceAllowed(d, in, a) && ok
	}
	if ok {
		d.allow(CodeEvidenceOK, "no originator restricts evidential use")
	}
}

func evidenceAllowed(d *decision, in *Input, p *liaison.Product) bool {
	m, ok := &p.Marking, true
	what := "the product"
	if p != in.Product {
		what = fmt.Sprintf("its source %s (v%d)", p.ID, p.Version)
	}
	if m.LeadOnly {
		ok = false
		d.deny(CodeLeadOnly, what+" is LEAD ONLY: not for use as evidence")
	}
	if m.InfoOnly {
		ok = false
		d.deny(CodeInfoOnly, what+" is INFO ONLY: for information, not for use as evidence")
	}
	if m.Handling == marking.H1 && p.OriginatorOrg != in.Org.ID {
		ok = false
		d.deny(CodeHandling, what+" is H1: not for judicial use without the provider's permission")
	}
	return ok
}

// DeriveAllowed decides whether org may derive child (a tear-line) from
// parent: the officer must be able to read the parent, and unless org is
// the parent's sole origin, the child may not be less restricted than the
// parent (a lower classification or a lifted caveat is a downgrade, which
// is the originator's alone).
func (e *Engine) DeriveAllowed(in *Input, child *marking.Marking) liaison.Decision {
	d := decision{reasons: make([]liaison.Reason, 0, 8)}
	read := *in
	read.Action = liaison.ActionRead
	e.checkRead(&d, &read)
	p := in.Product
	if p == nil || in.Org == nil {
		return d.result()
	}
	sole := true
	for _, origin := range p.Origins {
		if origin != in.Org.ID {
			sole = false
		}
	}
	if !sole {
		for _, w := range weaker(e.marks, &p.Marking, child) {
			d.deny(CodeWeakerMarking, "a tear-line of another originator's material may not "+w+" without the originator")
		}
	}
	return d.result()
}

// weaker lists how child is less restrictive than parent.
func weaker(marks *marking.Registry, parent, child *marking.Marking) []string {
	var out []string
	pr, perr := marks.Rank(parent.Classification)
	cr, cerr := marks.Rank(child.Classification)
	if perr != nil || cerr != nil || cr < pr {
		out = append(out, "lower the classification")
	}
	flag := func(p, c bool, name string) {
		if p && !c {
			out = append(out, "drop "+name)
		}
	}
	flag(parent.OriginatorControl, child.OriginatorControl, "ORCON")
	flag(parent.NoForeign, child.NoForeign, "NOFORN")
	flag(parent.NoOnward, child.NoOnward, "NO ONWARD")
	flag(parent.InfoOnly, child.InfoOnly, "INFO ONLY")
	flag(parent.LeadOnly, child.LeadOnly, "LEAD ONLY")
	if parent.Handling != "" && parent.Handling != marking.H0 && child.Handling != parent.Handling {
		out = append(out, "change handling code "+string(parent.Handling))
	}
	if len(parent.ReleasableTo) > 0 {
		for _, tok := range child.ReleasableTo {
			if !slices.Contains(parent.ReleasableTo, tok) {
				out = append(out, "widen REL TO with "+tok)
			}
		}
		if len(child.ReleasableTo) == 0 && !child.NoForeign {
			out = append(out, "drop REL TO")
		}
	}
	if !parent.Expires.IsZero() && (child.Expires.IsZero() || child.Expires.After(parent.Expires)) {
		out = append(out, "extend the expiry")
	}
	return out
}
