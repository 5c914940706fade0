package main

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) feedbackCommand() *cobra.Command {
	cmd := group("feedback", "Rate products you received",
		`Feedback is a recipient's rating of a product: a value from 0 (worthless)
to 5 (exceptional) and flags. It feeds the ledger of the relationship and
the trust placed in its partner.`)
	cmd.AddCommand(a.feedbackGiveCommand(), a.feedbackListCommand())
	return cmd
}

func (a *app) feedbackGiveCommand() *cobra.Command {
	var (
		fb    liaison.Feedback
		flags []string
	)
	cmd := &cobra.Command{
		Use:   "give PRODUCT_ID --value 0-5 [--flag FLAG]... [--comment TEXT]",
		Short: "Rate a product",
		Long:  `Rate a product your organisation received. Flags: ` + strings.Join(liaison.FeedbackFlags, ", ") + `.`,
		Example: `  liaison feedback give "$P" --value 4 --flag actionable --flag timely
  liaison feedback give "$P" --value 1 --flag duplicate --comment "Already reported by SatCen"`,
		Args: exactArgs("PRODUCT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := required(cmd, "value"); err != nil {
				return err
			}
			fb.ProductID = args[0]
			fb.Flags = splitList(flags)
			if err := fb.Validate(); err != nil {
				return err
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				if err := s.CreateFeedback(ctx, &fb); err != nil {
					return err
				}
				return a.out.emit(&fb, []string{fb.ID}, func(w io.Writer) {
					field(w, "ID", fb.ID)
					field(w, "Product", fb.ProductID+" version "+strconv.Itoa(fb.ProductVersion))
					field(w, "By", fb.OrgID+" / "+fb.OfficerID)
					field(w, "Value", strconv.Itoa(fb.Value))
					field(w, "Flags", list(fb.Flags))
					field(w, "Comment", fb.Comment)
				})
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&fb.Value, "value", 0, "the rating, `0-5` (required)")
	f.StringArrayVar(&flags, "flag", nil, "a `FLAG` (repeatable, or comma-separated)")
	f.StringVar(&fb.Comment, "comment", "", "a comment, in `TEXT`")
	f.IntVar(&fb.ProductVersion, "version", 0, "the product `VERSION` rated (0: the newest you hold)")
	return cmd
}

func (a *app) feedbackListCommand() *cobra.Command {
	var f liaison.ListFilter
	cmd := &cobra.Command{
		Use:   "list [--org ORG] [--product ID] [--limit N]",
		Short: "List feedback",
		Long: `List the feedback your organisation gave; with --product naming a product
your organisation wrote, all the feedback on it.`,
		Example: `  liaison feedback list
  liaison feedback list --product "$P"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				fs, err := s.Feedback(ctx, f)
				if err != nil {
					return err
				}
				return a.out.emit(fs, idsOf(fs, func(f *liaison.Feedback) string { return f.ID }), func(w io.Writer) {
					row(w, "ID", "PRODUCT", "V", "ORG", "OFFICER", "VALUE", "FLAGS", "DATE", "COMMENT")
					for _, f := range fs {
						row(w, f.ID, f.ProductID, strconv.Itoa(f.ProductVersion), f.OrgID, f.OfficerID, strconv.Itoa(f.Value), list(f.Flags), day(f.CreatedAt), trunc(orDash(f.Comment), 30))
					}
				})
			})
		},
	}
	listFilterFlags(cmd, &f)
	return cmd
}
