package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/api"
	"github.com/liaison-dev/liaison/assess"
	"github.com/liaison-dev/liaison/ledger"
	"github.com/liaison-dev/liaison/threat"
	"github.com/liaison-dev/liaison/trust"
)

// The liaison desk's questions (package assess): trust, ledger, typology,
// whocan, alignment and warnings. Each works on a data directory or a
// server alike, prints a table for people (with --explain, each row's
// working under it) and the report as it is with -o json.

// withAssess runs fn with the assess.Service of the resolved target.
func (a *app) withAssess(cmd *cobra.Command, fn func(ctx context.Context, s assess.Service) error) error {
	return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
		as, ok := s.(assess.Service)
		if !ok {
			return liaison.Errorf(api.ENOTIMPLEMENTED, "%s: this node does not answer the liaison desk's questions (trust, ledger, typology, whocan, alignment, warnings)", cmd.CommandPath())
		}
		return fn(ctx, as)
	})
}

// atFlag is the --at flag of a question: as of when.
func atFlag(cmd *cobra.Command, at *string) {
	cmd.Flags().StringVar(at, "at", "", "as of `DATE`, YYYY-MM-DD (midnight UTC) or RFC 3339 (default now)")
}

// explainFlag is the --explain flag of a question.
func explainFlag(cmd *cobra.Command, explain *bool) {
	cmd.Flags().BoolVar(explain, "explain", false, "show the working of each figure under it")
}

// optionalDay parses the date flag name when given.
func optionalDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseDay(name, s)
}

// parseUntil parses the end of a period: a date is included whole (the
// period ends at the next midnight), an RFC 3339 time is the exact end.
func parseUntil(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.AddDate(0, 0, 1), nil
	}
	return parseDay(name, s)
}

// optionalArg returns the only positional argument, or "".
func optionalArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return ""
}

func (a *app) trustCommand() *cobra.Command {
	var (
		q       assess.TrustQuery
		at      string
		explain bool
	)
	cmd := &cobra.Command{
		Use:   "trust [PARTNER] [--from ORG] [--at DATE] [--explain]",
		Short: "How far the home organisation trusts its partners, and why",
		Long: `Assess the home organisation's trust (or --from ORG's) in a partner, or in
every organisation it has evidence on, from the recorded evidence: feedback
on products, breaches and caveats kept, RFIs answered, contacts.

TRUST is the projected probability (0-1) that the partner behaves well:
BELIEF + base rate x UNCERTAINTY, where BELIEF, DISBELIEF and UNCERTAINTY
(summing to 1) are the subjective-logic opinion; little evidence means high
uncertainty. BASIS says whether it comes from direct evidence, is inferred
through trusted partners, or is only the prior. TREND 90D is the change over
the last 90 days. ABILITY (quality of what they send), INTEGRITY (caveats
kept) and BENEVOLENCE (responsiveness, contact) are the three dimensions
("-" without evidence). docs/trust.md has the formulas.`,
		Example: `  liaison trust
  liaison trust it-aisi --explain
  liaison trust fr-dgsi --from de-bfv --at 2026-01-01 -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			q.Trustee, q.Explain = optionalArg(args), explain
			if q.At, err = optionalDay("at", at); err != nil {
				return err
			}
			return a.withAssess(cmd, func(ctx context.Context, s assess.Service) error {
				r, err := s.Trust(ctx, q)
				if err != nil {
					return err
				}
				ids := idsOf(r.Assessments, func(t assess.TrustAssessment) string { return t.Trustee })
				return a.out.emit(r, ids, func(w io.Writer) { trustTable(w, r) })
			})
		},
	}
	cmd.Flags().StringVar(&q.Truster, "from", "", "whose trust: the organisation `ORG` (default the home organisation)")
	atFlag(cmd, &at)
	explainFlag(cmd, &explain)
	return cmd
}

// trustTable prints a TrustReport for people.
func trustTable(w io.Writer, r *assess.TrustReport) {
	fmt.Fprintf(w, "Trust of %s, as of %s\n\n", r.Truster, day(r.At))
	if len(r.Assessments) == 0 {
		fmt.Fprintf(w, "%s holds no evidence on any organisation.\n", r.Truster)
		return
	}
	var bs []block
	for _, t := range r.Assessments {
		op := t.Direct.Overall
		if t.Basis == "inferred" && t.Inferred != nil {
			op = t.Inferred.Opinion
		}
		basis := t.Basis
		if t.Direct.Items > 0 {
			basis = fmt.Sprintf("%s (%d)", t.Basis, t.Direct.Items)
		}
		trend := "-"
		if t.Trend != nil {
			trend = signed(t.Trend.Change)
		}
		cells := []string{t.Trustee, fixed(t.Projected), fixed(op.Belief), fixed(op.Disbelief), fixed(op.Uncertainty), basis, trend}
		for _, d := range trust.Dimensions() {
			v := "-"
			if da, ok := t.Direct.Dimension(d); ok && da.Items > 0 {
				v = fixed(da.Projected)
			}
			cells = append(cells, v)
		}
		bs = append(bs, block{cells: cells, under: t.Explain})
	}
	blocks(w, []string{"PARTNER", "TRUST", "BELIEF", "DISBELIEF", "UNCERTAINTY", "BASIS", "TREND 90D", "ABILITY", "INTEGRITY", "BENEVOLENCE"}, bs)
	if len(r.Global) > 0 {
		var top []string
		for _, g := range r.Global[:min(5, len(r.Global))] {
			top = append(top, g.OrgID+" "+fixed(g.Score))
		}
		fmt.Fprintf(w, "\nStanding in the network (EigenTrust, seeded by %s): %s\n", list(r.Pretrusted), strings.Join(top, ", "))
	}
}

func (a *app) ledgerCommand() *cobra.Command {
	var (
		q               assess.LedgerQuery
		since, until    string
		months, network bool
		explain         bool
	)
	cmd := &cobra.Command{
		Use:   "ledger [PARTNER] [--from ORG] [--since DATE] [--until DATE] [--months] [--network] [--explain]",
		Short: "What the home organisation gave its partners and got back",
		Long: `Sum what the home organisation (or --from ORG) gave a partner, or each
partner, and received from it, over all time or --since/--until (a date
given to --until is included).

GIVEN and RECEIVED are the number of exchanges / their value: a product's
value grows with its classification, grading, feedback, timeliness and
whether it was unsolicited. BALANCE is the value given minus the value
received (positive: we gave more). RECIPROCITY is the smaller flow over the
larger, from 0 (one-way) to 1 (even). MEDIAN LAG is how many days the
partner took to return a give. --months adds the ledger month by month;
--network how much of the whole exchange network is reciprocated and who
is central in it; --explain the most valuable exchanges each way and the
factors of their value.`,
		Example: `  liaison ledger
  liaison ledger be-vsse --months
  liaison ledger fr-dgsi --since 2025-01-01 --until 2025-12-31 --explain`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			q.B, q.Months, q.Network, q.Explain = optionalArg(args), months, network, explain
			if q.From, err = optionalDay("since", since); err != nil {
				return err
			}
			if q.To, err = parseUntil("until", until); err != nil {
				return err
			}
			if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
				return invalidf("--until %s is not after --since %s", until, since)
			}
			return a.withAssess(cmd, func(ctx context.Context, s assess.Service) error {
				r, err := s.Ledger(ctx, q)
				if err != nil {
					return err
				}
				ids := idsOf(r.Pairs, func(p assess.PairLedger) string { return p.B })
				return a.out.emit(r, ids, func(w io.Writer) { ledgerTable(w, r) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.A, "from", "", "whose ledger: the organisation `ORG` (default the home organisation)")
	f.StringVar(&since, "since", "", "from `DATE`, YYYY-MM-DD or RFC 3339 (default the first record)")
	f.StringVar(&until, "until", "", "up to `DATE`, the day included, or an RFC 3339 time (default now)")
	f.BoolVar(&months, "months", false, "add each partner's ledger month by month")
	f.BoolVar(&network, "network", false, "add the reciprocity of the whole exchange network and who is central in it")
	explainFlag(cmd, &explain)
	return cmd
}

// ledgerTable prints a LedgerReport for people.
func ledgerTable(w io.Writer, r *assess.LedgerReport) {
	fmt.Fprintf(w, "Ledger of %s, %s\n\n", r.A, window(r.Window))
	if len(r.Pairs) == 0 {
		fmt.Fprintf(w, "%s exchanged nothing in that period.\n", r.A)
		return
	}
	var bs []block
	for _, p := range r.Pairs {
		var under []string
		if len(p.Months) > 0 {
			rows := [][]string{{"MONTH", "GIVEN", "RECEIVED", "BALANCE", "CUMULATIVE", "RECIPROCITY"}}
			for _, m := range p.Months {
				rows = append(rows, []string{m.Month, flow(m.Given), flow(m.Received), signed1(m.Balance), signed1(m.CumulativeBalance), fixedPtr(m.Ratio)})
			}
			under = append(under, aligned(rows)...)
		}
		under = append(under, p.Explain...)
		if len(p.Explain) == 0 {
			// The working in words names the top exchanges; without it,
			// they are shown from the figures.
			for _, x := range p.Top {
				var fs []string
				for _, f := range x.Factors {
					if f.Name != ledger.FactorBase && f.Multiplier != 1 {
						fs = append(fs, fmt.Sprintf("%s ×%.2f", f.Name, f.Multiplier))
					}
				}
				under = append(under, fmt.Sprintf("%s → %s on %s: %.2f (%s)", x.From, x.To, day(x.At), x.Value, list(fs)))
			}
		}
		bs = append(bs, block{
			cells: []string{p.B, flow(p.Given), flow(p.Received), signed1(p.Balance), fixedPtr(p.Reciprocity.Ratio), days(p.Given.Lag.MedianDays)},
			under: under,
		})
	}
	blocks(w, []string{"PARTNER", "GIVEN", "RECEIVED", "BALANCE", "RECIPROCITY", "MEDIAN LAG"}, bs)
	if n := r.Network; n != nil {
		fmt.Fprintf(w, "\nThe exchange network: %d organisations, %d of %d links reciprocated (%s), %s of the value reciprocated.\n",
			n.Orgs, n.ReciprocalLinks, n.Links, percentPtr(n.Reciprocity), percentPtr(n.WeightedReciprocity))
	}
	if len(r.Centrality) > 0 {
		fmt.Fprintln(w, "\nCentral in the network (PAGERANK: where intelligence converges; SOURCE RANK: whose gives reach far; BROKER: betweenness):")
		rows := [][]string{{"ORG", "GAVE", "RECEIVED", "PAGERANK", "SOURCE RANK", "BROKER"}}
		for _, c := range r.Centrality {
			rows = append(rows, []string{c.Org, fmt.Sprintf("%.1f", c.OutStrength), fmt.Sprintf("%.1f", c.InStrength), fixed(c.PageRank), fixed(c.SourceRank), fixed(c.Betweenness)})
		}
		for _, l := range aligned(rows) {
			fmt.Fprintln(w, l)
		}
	}
}

// flow formats a flow as count / value.
func flow(f ledger.Flow) string {
	return fmt.Sprintf("%d / %.1f", f.Count, f.Value)
}

// window formats a ledger window with the last day it includes, as
// --until takes it.
func window(w ledger.Window) string {
	end := func(t time.Time) string {
		if t = t.UTC(); t.Equal(t.Truncate(24 * time.Hour)) {
			return day(t.AddDate(0, 0, -1))
		}
		return stamp(t)
	}
	switch {
	case w.From.IsZero() && w.To.IsZero():
		return "all time"
	case w.To.IsZero():
		return "since " + day(w.From)
	case w.From.IsZero():
		return "until " + end(w.To)
	}
	return day(w.From) + " to " + end(w.To)
}

func (a *app) typologyCommand() *cobra.Command {
	var (
		q                     assess.TypologyQuery
		at                    string
		all, history, explain bool
	)
	cmd := &cobra.Command{
		Use:   "typology [PARTNER] [--from ORG | --all] [--history] [--at DATE] [--explain]",
		Short: "What kind of relationship the home organisation has with each partner",
		Long: `Classify the home organisation's relationship (or --from ORG's) with a
partner, or with each, or every relationship the node knows (--all), from
the exchanges and contacts of the last year.

CLASS is bilateral or multilateral (how many parties the exchange runs
through) and transactional or relational (quid pro quo, or a give returned
in time, in kind or not, with dense contact); insufficient_data when too
few exchanges. SCORE is the relational score, 0-1, the weighted points of
the indicators (relational from 0.5). EXCHANGES counts the exchanges
judged. --history adds the class quarter by quarter and CHANGED, the last
change of class; --explain the indicators behind the class.`,
		Example: `  liaison typology
  liaison typology --history be-vsse
  liaison typology --all -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			q.B, q.All, q.History, q.Explain = optionalArg(args), all, history, explain
			if q.All && (q.A != "" || q.B != "") {
				return usagef(cmd, "--all is every relationship: give no PARTNER and no --from")
			}
			if q.At, err = optionalDay("at", at); err != nil {
				return err
			}
			return a.withAssess(cmd, func(ctx context.Context, s assess.Service) error {
				r, err := s.Typology(ctx, q)
				if err != nil {
					return err
				}
				id := func(rel assess.Relationship) string {
					if q.All {
						return rel.A + "/" + rel.B
					}
					return rel.B
				}
				return a.out.emit(r, idsOf(r.Relationships, id), func(w io.Writer) { typologyTable(w, r, q) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.A, "from", "", "whose relationships: the organisation `ORG` (default the home organisation)")
	f.BoolVar(&all, "all", false, "every relationship the node knows")
	f.BoolVar(&history, "history", false, "add the class quarter by quarter and when it changed")
	atFlag(cmd, &at)
	explainFlag(cmd, &explain)
	return cmd
}

// typologyTable prints a TypologyReport for people.
func typologyTable(w io.Writer, r *assess.TypologyReport, q assess.TypologyQuery) {
	fmt.Fprintf(w, "Relationships as of %s\n\n", day(r.At))
	if len(r.Relationships) == 0 {
		fmt.Fprintln(w, "No relationship to classify: no exchange or contact recorded.")
		return
	}
	header := []string{"PARTNER", "CLASS", "SCORE", "EXCHANGES"}
	if q.All {
		header[0] = "RELATIONSHIP"
	}
	if q.History {
		header = append(header, "CHANGED")
	}
	var bs []block
	for _, rel := range r.Relationships {
		name := rel.B
		if q.All {
			name = rel.A + " ↔ " + rel.B
		}
		cells := []string{name, string(rel.Class), fixed(rel.Score), strconv.Itoa(rel.Exchanges)}
		var under []string
		if q.History {
			changed := "never"
			if len(rel.Changes) > 0 {
				c := rel.Changes[len(rel.Changes)-1]
				changed = fmt.Sprintf("%s: %s → %s", c.Period, c.From, c.To)
			}
			cells = append(cells, changed)
			rows := [][]string{{"PERIOD", "CLASS", "SCORE", "EXCHANGES", ""}}
			for _, p := range rel.History {
				note := ""
				if p.Change != nil {
					note = "← changed"
					if because := p.Change.Because; len(because) > 0 {
						// The two largest movements say it; -o json has all.
						note += ": " + strings.Join(because[:min(2, len(because))], "; ")
						if len(because) > 2 {
							note += "; …"
						}
					}
				}
				rows = append(rows, []string{p.Period, string(p.Typology.Class), fixed(p.Typology.Score), strconv.Itoa(p.Typology.Exchanges), note})
			}
			if len(rows) > 1 {
				under = append(under, aligned(rows)...)
			}
		}
		if q.Explain {
			under = append(under, rel.Explain...)
			if len(rel.Explain) == 0 {
				for _, ind := range rel.Evidence {
					under = append(under, fmt.Sprintf("%s %s %s: %s", ind.Name, fixedPtr(ind.Value), ind.Unit, ind.Toward))
				}
			}
		}
		bs = append(bs, block{cells: cells, under: under})
	}
	blocks(w, header, bs)
}

func (a *app) whocanCommand() *cobra.Command {
	var (
		q       assess.WhoCanQuery
		at      string
		explain bool
	)
	cmd := &cobra.Command{
		Use:   "whocan TOPIC [--for ORG] [--at DATE] [--explain]",
		Short: "Which partners can help with a topic, best first",
		Long: `Rank the partners that can help the home organisation (or --for ORG) with
a topic, from their recorded coverage, our trust in them and our
agreements.

SCORE = COVERAGE x TRUST x SCOPE, each 0-1: COVERAGE is how well the
partner collects on the topic (its capability by discipline), TRUST our
projected trust in it, SCOPE 1 when an agreement in force covers the topic
and less when none does (it could help, but we cannot yet exchange on it).
WHY is the first reason; --explain shows them all.`,
		Example: `  liaison whocan russia
  liaison whocan hybrid-threats --for de-bfv --explain`,
		Args: exactArgs("TOPIC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			q.Topic, q.Explain = args[0], explain
			if q.At, err = optionalDay("at", at); err != nil {
				return err
			}
			return a.withAssess(cmd, func(ctx context.Context, s assess.Service) error {
				r, err := s.WhoCan(ctx, q)
				if err != nil {
					return err
				}
				ids := idsOf(r.Partners, func(p threat.Ranked) string { return p.OrgID })
				return a.out.emit(r, ids, func(w io.Writer) { whoCanTable(w, r, explain) })
			})
		},
	}
	cmd.Flags().StringVar(&q.Asker, "for", "", "who asks: the organisation `ORG` (default the home organisation)")
	atFlag(cmd, &at)
	explainFlag(cmd, &explain)
	return cmd
}

// whoCanTable prints a WhoCanReport for people: with explain, every
// reason under its partner instead of the first in a column.
func whoCanTable(w io.Writer, r *assess.WhoCanReport, explain bool) {
	fmt.Fprintf(w, "Who can help %s on %s, as of %s\n\n", r.Asker, r.Topic, day(r.At))
	if len(r.Partners) == 0 {
		fmt.Fprintf(w, "No partner of %s is known to cover %s.\n", r.Asker, r.Topic)
		return
	}
	header := []string{"RANK", "PARTNER", "SCORE", "COVERAGE", "TRUST", "SCOPE"}
	if !explain {
		header = append(header, "WHY")
	}
	var bs []block
	for i, p := range r.Partners {
		scope := fixed(p.Scope)
		if p.AgreementID == "" {
			scope += " (no agreement)"
		}
		score, trust := fixed(p.Score), fixed(p.Trust)
		if p.Score == 0 && p.Trust == 0 {
			score, trust = "-", "-" // withheld from analysts
		}
		b := block{cells: []string{strconv.Itoa(i + 1), p.OrgID, score, fixed(p.Coverage), trust, scope}}
		if explain {
			b.under = p.Why
		} else {
			why := "-"
			if len(p.Why) > 0 {
				why = trunc(p.Why[0], 70)
			}
			b.cells = append(b.cells, why)
		}
		bs = append(bs, b)
	}
	blocks(w, header, bs)
}

func (a *app) alignmentCommand() *cobra.Command {
	var (
		q       assess.AlignmentQuery
		at      string
		explain bool
	)
	cmd := &cobra.Command{
		Use:   "alignment [PARTNER] [--from ORG] [--at DATE] [--explain]",
		Short: "Where threat priorities agree and diverge, and where to cooperate more",
		Long: `Compare the home organisation's ranked threat priorities (or --from ORG's)
with a partner's, or with every organisation that ranks its own.

ALIGNMENT is the rank-biased overlap of the two rankings, from 0 (nothing
in common) to 1 (the same ranking), weighing the top ranks most; "-" when
either ranks nothing. SHARED lists the topics both rank, with our rank and
theirs. Divergences are partners whose priorities differ enough to expect
different things of us; opportunities are topics both rank high with
little exchanged on them over the last year, best first.`,
		Example: `  liaison alignment
  liaison alignment es-cni --explain`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			q.B, q.Explain = optionalArg(args), explain
			if q.At, err = optionalDay("at", at); err != nil {
				return err
			}
			return a.withAssess(cmd, func(ctx context.Context, s assess.Service) error {
				r, err := s.Alignment(ctx, q)
				if err != nil {
					return err
				}
				ids := idsOf(r.Alignments, func(al threat.Alignment) string { return al.B })
				return a.out.emit(r, ids, func(w io.Writer) { alignmentTable(w, r, explain) })
			})
		},
	}
	cmd.Flags().StringVar(&q.A, "from", "", "whose priorities: the organisation `ORG` (default the home organisation)")
	atFlag(cmd, &at)
	explainFlag(cmd, &explain)
	return cmd
}

// alignmentTable prints an AlignmentReport for people.
func alignmentTable(w io.Writer, r *assess.AlignmentReport, explain bool) {
	fmt.Fprintf(w, "Threat priorities of %s compared, as of %s\n\n", r.A, day(r.At))
	if len(r.Alignments) == 0 {
		fmt.Fprintln(w, "Nothing to compare: no other organisation ranks its threat priorities.")
		return
	}
	var bs []block
	for _, al := range r.Alignments {
		score := "-"
		if al.Comparable {
			score = fixed(al.Score)
		}
		var shared []string
		for _, s := range al.Shared {
			shared = append(shared, fmt.Sprintf("%s %d/%d", s.Topic, s.RankA, s.RankB))
		}
		b := block{cells: []string{al.B, score, trunc(list(shared), 60)}}
		if explain {
			b.under = al.Explain
		}
		bs = append(bs, b)
	}
	blocks(w, []string{"PARTNER", "ALIGNMENT", "SHARED (OURS/THEIRS)"}, bs)
	if len(r.Divergences) > 0 {
		fmt.Fprintln(w, "\nDivergences:")
		for _, d := range r.Divergences {
			fmt.Fprintf(w, "  %s\n", d.Message)
		}
	}
	if len(r.Opportunities) == 0 {
		return
	}
	fmt.Fprintln(w, "\nOpportunities:")
	var ob []block
	for _, o := range r.Opportunities {
		partner, ours, theirs := o.B, o.RankA, o.RankB
		if o.B == r.A {
			partner, ours, theirs = o.A, o.RankB, o.RankA
		} else if o.A != r.A {
			partner = o.A + "/" + o.B
		}
		b := block{cells: []string{partner, o.Topic, fmt.Sprintf("%d/%d", ours, theirs), fmt.Sprintf("%.1f", o.Exchanged), fixed(o.Score)}}
		if explain {
			b.under = o.Why
		}
		ob = append(ob, b)
	}
	blocks(w, []string{"PARTNER", "TOPIC", "RANKS", "EXCHANGED", "SCORE"}, ob)
}

func (a *app) warningsCommand() *cobra.Command {
	var (
		q       assess.WarningQuery
		at      string
		explain bool
	)
	cmd := &cobra.Command{
		Use:   "warnings [--for ORG] [--lopsided-ratio X] [--at DATE] [--explain]",
		Short: "What needs the liaison desk's attention now",
		Long: `List what needs the attention of the home organisation's liaison desk (or
--for ORG's), most severe first: breaches of caveats, trust falling fast,
lopsided ledgers, diverging threat priorities, agreements about to end and
overdue RFIs.

SEVERITY is high, medium or low; CODE the kind of warning (breach,
trust_falling, lopsided_ledger, threat_divergence, agreement_expiring,
rfi_overdue, unranked_top_priority); PARTNER the organisation it concerns.
A ledger is lopsided when one side gave more than --lopsided-ratio times
what the other gave over the last year (above 1; default 3, or the node's setting).`,
		Example: `  liaison warnings
  liaison warnings --lopsided-ratio 2 --explain
  liaison warnings -o json | jq '.warnings[] | select(.severity == "high")'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			q.Explain = explain
			if cmd.Flags().Changed("lopsided-ratio") && (!(q.LopsidedRatio > 1) || math.IsInf(q.LopsidedRatio, 0)) {
				return invalidf("--lopsided-ratio %v: give a ratio above 1, e.g. 3 (one side gave three times what the other gave)", q.LopsidedRatio)
			}
			if q.At, err = optionalDay("at", at); err != nil {
				return err
			}
			return a.withAssess(cmd, func(ctx context.Context, s assess.Service) error {
				r, err := s.Warnings(ctx, q)
				if err != nil {
					return err
				}
				ids := idsOf(r.Warnings, func(w assess.Warning) string {
					if w.Partner == "" {
						return w.Code
					}
					return w.Code + "/" + w.Partner
				})
				return a.out.emit(r, ids, func(w io.Writer) { warningsTable(w, r) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.Org, "for", "", "whose desk: the organisation `ORG` (default the home organisation)")
	f.Float64Var(&q.LopsidedRatio, "lopsided-ratio", 0, "a ledger is lopsided when one side gave more than `X` times the other (default 3)")
	atFlag(cmd, &at)
	explainFlag(cmd, &explain)
	return cmd
}

// warningsTable prints a WarningReport for people.
func warningsTable(w io.Writer, r *assess.WarningReport) {
	fmt.Fprintf(w, "Warnings for %s, as of %s\n\n", r.Org, day(r.At))
	if len(r.Warnings) == 0 {
		fmt.Fprintln(w, "Nothing needs attention.")
		return
	}
	var bs []block
	for _, x := range r.Warnings {
		bs = append(bs, block{cells: []string{x.Severity, x.Code, orDash(x.Partner), trunc(x.Message, 120)}, under: x.Explain})
	}
	blocks(w, []string{"SEVERITY", "CODE", "PARTNER", "MESSAGE"}, bs)
}

// block is one row of a table and the lines printed under it.
type block struct {
	cells []string
	under []string
}

// blocks prints a table whose rows may each carry lines under them (the
// working of --explain, a history): the rows aligned as one table, each
// followed by its lines, indented, and set apart from the next row by a
// blank line.
func blocks(w io.Writer, header []string, bs []block) {
	rows := make([][]string, 0, len(bs)+1)
	rows = append(rows, header)
	for _, b := range bs {
		rows = append(rows, b.cells)
	}
	lines := aligned(rows)
	fmt.Fprintln(w, lines[0])
	for i, b := range bs {
		fmt.Fprintln(w, lines[i+1])
		for _, u := range b.under {
			for _, l := range strings.Split(strings.TrimRight(u, "\n"), "\n") {
				fmt.Fprintln(w, "    "+strings.ReplaceAll(l, "\t", " "))
			}
		}
		if len(b.under) > 0 && i < len(bs)-1 {
			fmt.Fprintln(w)
		}
	}
}

// aligned lays rows out in aligned columns and returns the lines,
// without trailing spaces. Cells must not hold line breaks or tabs.
func aligned(rows [][]string) []string {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		row(tw, r...)
	}
	tw.Flush()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

// fixed formats a figure to two decimals.
func fixed(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// fixedPtr formats a figure that may be undefined.
func fixedPtr(f *float64) string {
	if f == nil {
		return "-"
	}
	return fixed(*f)
}

// signed formats a change to two decimals with its sign.
func signed(f float64) string {
	if math.Abs(f) < 0.005 {
		return "±0.00"
	}
	return fmt.Sprintf("%+.2f", f)
}

// signed1 formats a balance to one decimal with its sign.
func signed1(f float64) string {
	if math.Abs(f) < 0.05 {
		return "0.0"
	}
	return fmt.Sprintf("%+.1f", f)
}

// days formats a number of days that may be undefined.
func days(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f days", *f)
}

// percentPtr formats a share that may be undefined as a percentage.
func percentPtr(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", *f*100)
}
