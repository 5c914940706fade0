package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

func (a *app) agreementCommand() *cobra.Command {
	cmd := group("agreement", "Manage agreements between organisations",
		`Agreements are the basis of every exchange: two or more parties, the topics
in scope, the highest classification carried (the ceiling), default
caveats, each party's duties and a validity period. Only an active
agreement within its period allows dissemination.`)
	cmd.AddCommand(
		a.agreementCreateCommand(),
		a.agreementListCommand(),
		a.agreementShowCommand(),
		a.agreementStatusCommand("suspend", liaison.AgreementSuspended, "Suspend an agreement: no dissemination under it until it is activated again"),
		a.agreementStatusCommand("activate", liaison.AgreementActive, "Activate an agreement (again)"),
		a.agreementStatusCommand("terminate", liaison.AgreementTerminated, "Terminate an agreement for good"),
	)
	return cmd
}

func (a *app) agreementCreateCommand() *cobra.Command {
	var (
		ag                                liaison.Agreement
		parties, topics, duties           []string
		ceiling, caveats, from, to, state string
	)
	cmd := &cobra.Command{
		Use:   "create --title TITLE --party ORG --party ORG --topics T,... --ceiling LEVEL [flags]",
		Short: "Conclude an agreement",
		Long: `Record an agreement between two or more distinct parties (bilateral with
two, multilateral beyond). The validity starts --from (default today) and
ends before --to (exclusive, optional). Each --duty says, in words, what one
party undertakes: "party=text".`,
		Example: `  liaison agreement create --title "BE-FR counter-terrorism MoU" \
      --party home --party fr-dgsi --topics terrorism,radicalisation \
      --ceiling "SECRET UE" --caveats ORCON --from 2026-01-01 --to 2029-01-01 \
      --duty "home=answer RFIs within 10 days" --duty "fr-dgsi=grade every product"
  A=$(liaison agreement create --title "CTG exchange" --party home,fr-dgsi,de-bfv \
      --topics "*" --ceiling "CONFIDENTIEL UE" -o id)`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "title", "party", "topics", "ceiling"); err != nil {
				return err
			}
			marks := marking.DefaultRegistry()
			c, err := parseClassification(marks, "ceiling", ceiling)
			if err != nil {
				return err
			}
			ag.Ceiling = c
			if _, err := marks.ParseCaveats(caveats); err != nil {
				return &liaison.Error{Code: liaison.EMARKING, Message: fmt.Sprintf("--caveats: %v", err), Err: err}
			}
			ag.DefaultCaveats = strings.TrimSpace(caveats)
			ag.Parties = splitList(parties)
			ag.Topics = splitList(topics)
			ag.Status = liaison.AgreementStatus(state)
			if from == "" {
				ag.ValidFrom = time.Now().UTC().Truncate(24 * time.Hour)
			} else if ag.ValidFrom, err = parseDay("from", from); err != nil {
				return err
			}
			if to != "" {
				t, err := parseDay("to", to)
				if err != nil {
					return err
				}
				ag.ValidTo = &t
			}
			for _, d := range duties {
				party, text, ok := strings.Cut(d, "=")
				if !ok || strings.TrimSpace(party) == "" || strings.TrimSpace(text) == "" {
					return invalidf("--duty %q: use party=text", d)
				}
				ag.Duties = append(ag.Duties, liaison.Duty{Party: strings.TrimSpace(party), Text: strings.TrimSpace(text)})
			}
			if err := ag.Normalise(); err != nil {
				return err
			}
			if err := ag.Validate(); err != nil {
				return err
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				if err := s.CreateAgreement(ctx, &ag); err != nil {
					return err
				}
				return a.out.emit(&ag, []string{ag.ID}, func(w io.Writer) { agreementRecord(w, &ag) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&ag.Title, "title", "", "the agreement's `TITLE` (required)")
	f.StringArrayVar(&parties, "party", nil, "a party's organisation `ID` (repeatable, or comma-separated; at least two)")
	f.StringArrayVar(&topics, "topics", nil, "`TOPICS` in scope, comma-separated or repeated; \"*\" for any (required)")
	f.StringVar(&ceiling, "ceiling", "", "highest classification `LEVEL` carried, e.g. \"SECRET UE\" (required)")
	f.StringVar(&caveats, "caveats", "", "default `CAVEATS`, e.g. \"ORCON//NO ONWARD\"")
	f.StringVar(&from, "from", "", "start of validity, `YYYY-MM-DD` (default today)")
	f.StringVar(&to, "to", "", "end of validity, exclusive, `YYYY-MM-DD` (default none)")
	f.StringArrayVar(&duties, "duty", nil, "a party's duty, `party=text` (repeatable)")
	f.StringVar(&state, "status", string(liaison.AgreementActive), "initial `STATUS`: draft or active")
	return cmd
}

func (a *app) agreementListCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List agreements",
		Long:    `List the agreements the caller may see, in the order they were made.`,
		Example: `  liaison agreement list --data ./node`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				ags, err := s.Agreements(ctx)
				if err != nil {
					return err
				}
				return a.out.emit(ags, idsOf(ags, func(g *liaison.Agreement) string { return g.ID }), func(w io.Writer) {
					row(w, "ID", "TITLE", "PARTIES", "CEILING", "STATUS", "FROM", "TO")
					for _, g := range ags {
						row(w, g.ID, trunc(g.Title, 40), trunc(list(g.Parties), 40), g.Ceiling.String(), string(g.Status), day(g.ValidFrom), orDash(dayPtr(g.ValidTo)))
					}
				})
			})
		},
	}
}

func (a *app) agreementShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "show AGREEMENT_ID",
		Short:   "Show an agreement",
		Long:    `Show one agreement with its scope, ceiling, caveats and duties.`,
		Example: `  liaison agreement show "$A"`,
		Args:    exactArgs("AGREEMENT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				g, err := s.Agreement(ctx, args[0])
				if err != nil {
					return err
				}
				return a.out.emit(g, []string{g.ID}, func(w io.Writer) { agreementRecord(w, g) })
			})
		},
	}
}

// agreementStatusCommand makes suspend, activate and terminate.
func (a *app) agreementStatusCommand(verb string, status liaison.AgreementStatus, short string) *cobra.Command {
	return &cobra.Command{
		Use:     verb + " AGREEMENT_ID",
		Short:   short,
		Long:    short + ". Admins only; the change is recorded in the audit chain.",
		Example: fmt.Sprintf("  liaison agreement %s \"$A\"", verb),
		Args:    exactArgs("AGREEMENT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				g, err := s.SetAgreementStatus(ctx, args[0], status)
				if err != nil {
					return err
				}
				return a.out.emit(g, []string{g.ID}, func(w io.Writer) { agreementRecord(w, g) })
			})
		},
	}
}

// agreementRecord writes an agreement vertically.
func agreementRecord(w io.Writer, g *liaison.Agreement) {
	field(w, "ID", g.ID)
	field(w, "Title", g.Title)
	kind := "bilateral"
	if g.Multilateral() {
		kind = "multilateral"
	}
	field(w, "Parties", list(g.Parties)+" ("+kind+")")
	field(w, "Topics", list(g.Topics))
	field(w, "Ceiling", g.Ceiling.String())
	field(w, "Caveats", g.DefaultCaveats)
	field(w, "Status", string(g.Status))
	field(w, "Valid from", day(g.ValidFrom))
	field(w, "Valid to", dayPtr(g.ValidTo))
	for _, d := range g.Duties {
		field(w, "Duty", d.Party+": "+d.Text)
	}
	if !g.CreatedAt.IsZero() {
		field(w, "Created", day(g.CreatedAt))
	}
}
