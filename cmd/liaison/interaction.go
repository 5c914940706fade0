package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) interactionCommand() *cobra.Command {
	cmd := group("interaction", "Record contacts between organisations and officers",
		`Interactions record that officers or organisations met: the kind of
contact, when, for how long, and its tone. Frequent, warm contact is
evidence of a relational partnership.`)
	cmd.AddCommand(a.interactionRecordCommand(), a.interactionListCommand())
	return cmd
}

func (a *app) interactionRecordCommand() *cobra.Command {
	var (
		in             liaison.Interaction
		orgs, officers []string
		date           string
	)
	cmd := &cobra.Command{
		Use:   "record --kind KIND --orgs ORG,ORG [--date YYYY-MM-DD] [--minutes N] [--tone -2..2]",
		Short: "Record an interaction",
		Long: `Record a contact between two or more organisations. Kinds: ` + strings.Join(liaison.InteractionKinds, ", ") + `.
Tone runs from -2 (hostile) to +2 (warm); the date defaults to today.`,
		Example: `  liaison interaction record --kind meeting --orgs home,fr-dgsi --date 2026-02-10 \
      --minutes 90 --tone 1 --notes "Quarterly CT review"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "kind", "orgs"); err != nil {
				return err
			}
			in.Orgs = splitList(orgs)
			in.Officers = splitList(officers)
			if date == "" {
				in.Date = time.Now().UTC().Truncate(24 * time.Hour)
			} else {
				t, err := parseDay("date", date)
				if err != nil {
					return err
				}
				in.Date = t
			}
			if err := in.Validate(); err != nil {
				return err
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				if err := s.CreateInteraction(ctx, &in); err != nil {
					return err
				}
				return a.out.emit(&in, []string{in.ID}, func(w io.Writer) {
					field(w, "ID", in.ID)
					field(w, "Kind", in.Kind)
					field(w, "Organisations", list(in.Orgs))
					field(w, "Officers", list(in.Officers))
					field(w, "Date", day(in.Date))
					field(w, "Minutes", strconv.Itoa(in.DurationMinutes))
					field(w, "Tone", fmt.Sprintf("%+d", in.Tone))
					field(w, "Notes", in.Notes)
				})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Kind, "kind", "", "`KIND` of contact, e.g. meeting (required)")
	f.StringArrayVar(&orgs, "orgs", nil, "the organisation `IDS`, comma-separated or repeated; at least two (required)")
	f.StringArrayVar(&officers, "officers", nil, "the officer `IDS` present, comma-separated or repeated")
	f.StringVar(&date, "date", "", "when, `YYYY-MM-DD` (default today)")
	f.IntVar(&in.DurationMinutes, "minutes", 0, "how long, in `MINUTES`")
	f.IntVar(&in.Tone, "tone", 0, "the `TONE`, -2 (hostile) to +2 (warm)")
	f.StringVar(&in.Notes, "notes", "", "notes, in `TEXT`")
	return cmd
}

func (a *app) interactionListCommand() *cobra.Command {
	var f liaison.ListFilter
	cmd := &cobra.Command{
		Use:     "list [--org ORG] [--limit N]",
		Short:   "List interactions",
		Long:    `List the interactions the caller may see.`,
		Example: `  liaison interaction list --org fr-dgsi`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				is, err := s.Interactions(ctx, f)
				if err != nil {
					return err
				}
				return a.out.emit(is, idsOf(is, func(i *liaison.Interaction) string { return i.ID }), func(w io.Writer) {
					row(w, "ID", "KIND", "ORGS", "DATE", "MINUTES", "TONE", "NOTES")
					for _, i := range is {
						row(w, i.ID, i.Kind, list(i.Orgs), day(i.Date), strconv.Itoa(i.DurationMinutes), fmt.Sprintf("%+d", i.Tone), trunc(orDash(i.Notes), 30))
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&f.OrgID, "org", "", "only interactions involving organisation `ID`")
	cmd.Flags().IntVar(&f.Limit, "limit", 0, "at most `N` interactions (0: no limit)")
	return cmd
}
