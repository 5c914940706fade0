package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/policy"
)

// loop runs the liaison loop in the timeline's last week and records it
// step by step: home writes an ORCON report and gives it to B, B reads it,
// B's forward to C is refused under the third-party rule, B asks home for
// a release, home approves with conditions, B forwards, C reads, and the
// audit chain verifies. Then B asks for another release, which stays
// pending.
func (s *sim) loop() error {
	ctx := s.ctx
	at := func(d, h, m int) time.Time {
		t := time.Date(2026, 10, d, h, m, 0, 0, time.UTC)
		s.clock.set(t)
		return t
	}
	step := func(t time.Time, title string, reasons []liaison.Reason, format string, args ...any) {
		s.sc.Loop = append(s.sc.Loop, Step{Title: title, Detail: fmt.Sprintf(format, args...), At: t, Reasons: reasons})
	}
	orig, partner, third := s.as(homeLO), s.as(partnerLO), s.as(thirdLO)
	nlde, defr := s.ags[agNLDE], s.ags[agDEFR]

	// 1. Home writes.
	t := at(26, 9, 12)
	p, err := orig.CreateProduct(ctx, liaison.ProductDraft{
		Title: "Hybrid threat warning: preparations for sabotage against North Sea energy infrastructure",
		Body: "Warning — Algemene Inlichtingen- en Veiligheidsdienst (AIVD).\n\n" +
			"Summary: a Russian-directed network has mapped offshore gas platforms, subsea cables and landing stations in the Dutch and " +
			"German sectors of the North Sea and recruited local proxies to photograph onshore substations. AIVD assesses with moderate " +
			"confidence that the network is preparing sabotage options for a crisis.\n\n" +
			"Sourcing: a human source with direct access, corroborated by technical collection. Grading B2.\n\n" +
			"Key judgements:\n- The mapping is systematic and tasked.\n- Proxies are recruited through Telegram 'courier jobs'.\n\n" +
			"Indicators to watch: loitering vessels over cable routes; drone overflights of substations.\n\n" +
			"Handling: originator controlled; releasable to EU services only.",
		Topics:  []string{tHY, rRU},
		Marking: "SECRET UE//ORCON//REL TO EU", Reliability: "B", Credibility: "2",
	})
	if err != nil {
		return fmt.Errorf("demo: loop: write: %w", err)
	}
	s.sc.Products++
	s.sc.Versions++
	s.sc.LoopProductID = p.ID
	step(t, "Write", nil, "%s (%s) writes product %s v%d %q, marked %s, graded %s, topics %s.",
		homeLO, home, p.ID, p.Version, p.Title, p.Banner, p.Grading(), strings.Join(p.Topics, ", "))

	// 2. Home disseminates to B under their bilateral agreement.
	t = at(26, 9, 40)
	d, err := orig.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: loopB, AgreementID: nlde.id})
	if err != nil {
		return fmt.Errorf("demo: loop: disseminate to %s: %w", loopB, err)
	}
	s.sc.Disseminations++
	step(t, "Disseminate", d.Decision.Reasons, "%s disseminates %s v%d to %s under %q: dissemination %s, allowed (%s).",
		homeLO, p.ID, d.ProductVersion, loopB, nlde.title, d.ID, strings.Join(codes(d.Decision.Reasons), ", "))

	// 3. B reads it.
	t = at(26, 11, 5)
	got, err := partner.Product(ctx, p.ID, 0)
	if err != nil {
		return fmt.Errorf("demo: loop: %s reads: %w", partnerLO, err)
	}
	s.sc.Reads++
	step(t, "Read", nil, "%s (%s) reads %s v%d %q; the read is audited.", partnerLO, loopB, got.ID, got.Version, got.Title)

	// 4. B tries to pass it to C and is refused.
	t = at(26, 14, 30)
	_, err = partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: loopC, AgreementID: defr.id})
	if liaison.ErrorCode(err) != liaison.EDENIED {
		return fmt.Errorf("demo: loop: forward to %s without consent: want a refusal, got %v", loopC, err)
	}
	s.sc.Refusals++
	s.sc.LoopRefusal = liaison.ErrorReasons(err)
	if !hasReason(s.sc.LoopRefusal, policy.CodeOriginator) {
		return fmt.Errorf("demo: loop: the refusal gives no %s reason: %v", policy.CodeOriginator, codes(s.sc.LoopRefusal))
	}
	var why []string
	for _, r := range s.sc.LoopRefusal {
		why = append(why, r.Code+": "+r.Message)
	}
	step(t, "Forward refused", s.sc.LoopRefusal, "%s tries to forward %s to %s under %q and is refused (%s): %s.",
		partnerLO, p.ID, loopC, defr.title, liaison.EDENIED, strings.Join(why, "; "))

	// 5. B asks home for consent.
	t = at(26, 14, 52)
	rs, err := partner.RequestRelease(ctx, liaison.ReleaseDraft{ProductID: p.ID, To: loopC,
		Justification: "DGSI is investigating the same proxy network in French ports and needs the AIVD warning to open a case."})
	if err != nil {
		return fmt.Errorf("demo: loop: request release: %w", err)
	}
	if len(rs) != 1 {
		return fmt.Errorf("demo: loop: %d release requests, want 1", len(rs))
	}
	s.sc.ReleaseRequests++
	rr := rs[0]
	s.sc.LoopReleaseID = rr.ID
	step(t, "Release request", nil, "%s files release request %s asking %s to consent to %s reaching %s: %q.",
		partnerLO, rr.ID, rr.OriginatorOrg, p.ID, loopC, rr.Justification)

	// 6. Home approves with conditions.
	t = at(27, 10, 20)
	expires := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	rr, err = orig.DecideRelease(ctx, rr.ID, liaison.ReleaseDecision{Approve: true, ExpiresAt: &expires,
		Conditions: "For DGSI's own analysis only; no further dissemination; attribute to 'a European partner service'; not for use as evidence."})
	if err != nil {
		return fmt.Errorf("demo: loop: approve release: %w", err)
	}
	s.sc.ReleasesApproved++
	step(t, "Release approved", nil, "%s approves release request %s, until %s, on conditions: %s",
		homeLO, rr.ID, expires.Format(time.DateOnly), rr.Conditions)

	// 7. B forwards to C.
	t = at(27, 11, 0)
	fwd, err := partner.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, To: loopC, AgreementID: defr.id})
	if err != nil {
		return fmt.Errorf("demo: loop: forward to %s after approval: %w", loopC, err)
	}
	s.sc.Disseminations++
	s.sc.Forwards++
	s.sc.LoopForwardID = fwd.ID
	step(t, "Forward", fwd.Decision.Reasons, "%s forwards %s to %s under %q: dissemination %s (%s), allowed by release %s (%s).",
		partnerLO, p.ID, loopC, defr.title, fwd.ID, fwd.Action, strings.Join(fwd.ReleaseIDs, ", "), strings.Join(codes(fwd.Decision.Reasons), ", "))

	// 8. C reads it.
	t = at(27, 15, 10)
	got, err = third.Product(ctx, p.ID, 0)
	if err != nil {
		return fmt.Errorf("demo: loop: %s reads: %w", thirdLO, err)
	}
	s.sc.Reads++
	step(t, "Read by the third party", nil, "%s (%s) reads %s v%d %q, marked %s.", thirdLO, loopC, got.ID, got.Version, got.Title, got.Banner)

	// 9. The audit chain verifies.
	t = at(28, 9, 0)
	rep, err := s.as(auditorID).VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("demo: loop: verify audit: %w", err)
	}
	if !rep.OK() {
		return fmt.Errorf("demo: loop: audit chain broken at event %d: %s", rep.Broken.Seq, rep.Broken.Reason)
	}
	step(t, "Audit verified", nil, "%s verifies the audit chain: %d events intact, last %d, head %s.", auditorID, rep.Events, rep.LastSeq, rep.Head)

	// 10. B asks for another release, which stays pending.
	t = at(29, 10, 0)
	if s.pending == nil || s.pending.id == "" {
		return fmt.Errorf("demo: loop: the product of the pending release was not written")
	}
	rs, err = partner.RequestRelease(ctx, liaison.ReleaseDraft{ProductID: s.pending.id, To: loopC,
		Justification: "DGSI has asked for our holdings on GRU targeting of the drone industry; this AIVD report would be the core of our answer."})
	if err != nil {
		return fmt.Errorf("demo: loop: second release request: %w", err)
	}
	if len(rs) != 1 {
		return fmt.Errorf("demo: loop: %d release requests, want 1", len(rs))
	}
	s.sc.ReleaseRequests++
	s.sc.PendingReleaseID = rs[0].ID
	step(t, "Release pending", nil, "%s files release request %s asking %s to consent to %s (%q) reaching %s; it awaits %s's decision.",
		partnerLO, rs[0].ID, rs[0].OriginatorOrg, s.pending.id, s.pending.draft.Title, loopC, home)
	return nil
}
