package main

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) breachCommand() *cobra.Command {
	cmd := group("breach", "Record breaches of caveats",
		`A breach records that an organisation broke a caveat on a product it
received: passed it on, used it as evidence, leaked it. Trust counts a
breach as heavy negative evidence.`)
	cmd.AddCommand(a.breachRecordCommand(), a.breachListCommand())
	return cmd
}

func (a *app) breachRecordCommand() *cobra.Command {
	var (
		b  liaison.Breach
		at string
	)
	cmd := &cobra.Command{
		Use:   "record --org ORG --caveat CAVEAT --description TEXT [--product ID] [--at YYYY-MM-DD]",
		Short: "Record a breach",
		Long:  `Record that an organisation broke a caveat. The date defaults to today.`,
		Example: `  liaison breach record --org xx-svc --product "$P" --caveat ORCON \
      --description "Passed to a national court without consent" --at 2026-02-01`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "org", "caveat", "description"); err != nil {
				return err
			}
			if at == "" {
				b.At = time.Now().UTC().Truncate(24 * time.Hour)
			} else {
				t, err := parseDay("at", at)
				if err != nil {
					return err
				}
				b.At = t
			}
			if err := b.Validate(); err != nil {
				return err
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				if err := s.RecordBreach(ctx, &b); err != nil {
					return err
				}
				return a.out.emit(&b, []string{b.ID}, func(w io.Writer) {
					field(w, "ID", b.ID)
					field(w, "Organisation", b.OrgID)
					field(w, "Product", b.ProductID)
					field(w, "Caveat", b.Caveat)
					field(w, "Description", b.Description)
					field(w, "Reported by", b.ReportedBy)
					field(w, "When", day(b.At))
				})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&b.OrgID, "org", "", "the organisation `ID` that breached (required)")
	f.StringVar(&b.ProductID, "product", "", "the product `ID` concerned")
	f.StringVar(&b.Caveat, "caveat", "", "the `CAVEAT` broken, e.g. ORCON (required)")
	f.StringVar(&b.Description, "description", "", "what happened, in `TEXT` (required)")
	f.StringVar(&at, "at", "", "when it happened, `YYYY-MM-DD` (default today)")
	return cmd
}

func (a *app) breachListCommand() *cobra.Command {
	var f liaison.ListFilter
	cmd := &cobra.Command{
		Use:     "list [--org ORG] [--product ID] [--limit N]",
		Short:   "List breaches",
		Long:    `List the breaches recorded.`,
		Example: `  liaison breach list --org xx-svc`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				bs, err := s.Breaches(ctx, f)
				if err != nil {
					return err
				}
				return a.out.emit(bs, idsOf(bs, func(b *liaison.Breach) string { return b.ID }), func(w io.Writer) {
					row(w, "ID", "ORG", "PRODUCT", "CAVEAT", "WHEN", "REPORTED BY", "DESCRIPTION")
					for _, b := range bs {
						row(w, b.ID, b.OrgID, orDash(b.ProductID), b.Caveat, day(b.At), orDash(b.ReportedBy), trunc(b.Description, 40))
					}
				})
			})
		},
	}
	listFilterFlags(cmd, &f)
	return cmd
}
