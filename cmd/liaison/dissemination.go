package main

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) disseminateCommand() *cobra.Command {
	var o liaison.DisseminationOrder
	cmd := &cobra.Command{
		Use:   "disseminate PRODUCT_ID --to ORG [--agreement ID] [--version N]",
		Short: "Send a product to an organisation, under the policy",
		Long: `Send a product version to an organisation under an agreement. The policy
decides: the originator disseminates under an agreement in force whose
scope and ceiling cover the product; a recipient forwarding it needs every
originator's consent (the third-party rule). A refusal prints every reason
and exits with status 1; it is recorded in the audit chain all the same.`,
		Example: `  liaison disseminate "$P" --to fr-dgsi
  liaison disseminate "$P" --to fr-dgsi --agreement "$A" --version 2 -o json`,
		Args: exactArgs("PRODUCT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := required(cmd, "to"); err != nil {
				return err
			}
			o.ProductID = args[0]
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				d, err := s.Disseminate(ctx, o)
				if err != nil {
					return err
				}
				return a.out.emit(d, []string{d.ID}, func(w io.Writer) { disseminationRecord(w, d) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.To, "to", "", "the recipient organisation `ID` (required)")
	f.StringVar(&o.AgreementID, "agreement", "", "under agreement `ID` (default: the best one in force)")
	f.IntVar(&o.Version, "version", 0, "the `VERSION` to send (0: the newest you hold)")
	return cmd
}

func (a *app) disseminationCommand() *cobra.Command {
	cmd := group("dissemination", "List disseminations",
		`Disseminations record that a product version went from one organisation to
another under an agreement, with the decision that allowed it. Send one
with 'liaison disseminate'.`)
	var f liaison.ListFilter
	ls := &cobra.Command{
		Use:   "list [--org ORG] [--product ID] [--limit N]",
		Short: "List disseminations",
		Long:  `List the disseminations the caller may see, oldest first.`,
		Example: `  liaison dissemination list
  liaison dissemination list --product "$P" -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				ds, err := s.Disseminations(ctx, f)
				if err != nil {
					return err
				}
				return a.out.emit(ds, idsOf(ds, func(d *liaison.Dissemination) string { return d.ID }), func(w io.Writer) {
					row(w, "ID", "PRODUCT", "V", "FROM", "TO", "ACTION", "AGREEMENT", "DATE", "RECALLED")
					for _, d := range ds {
						row(w, d.ID, d.ProductID, strconv.Itoa(d.ProductVersion), d.FromOrg, d.ToOrg, string(d.Action), orDash(d.AgreementID), day(d.CreatedAt), orDash(dayPtr(d.RecalledAt)))
					}
				})
			})
		},
	}
	listFilterFlags(ls, &f)
	cmd.AddCommand(ls)
	return cmd
}

// listFilterFlags adds --org, --product and --limit for a ListFilter.
func listFilterFlags(cmd *cobra.Command, f *liaison.ListFilter) {
	cmd.Flags().StringVar(&f.OrgID, "org", "", "only records involving organisation `ID`")
	cmd.Flags().StringVar(&f.ProductID, "product", "", "only records about product `ID`")
	cmd.Flags().IntVar(&f.Limit, "limit", 0, "at most `N` records (0: no limit)")
}

// disseminationRecord writes a dissemination vertically, with the
// reasons of the decision that allowed it.
func disseminationRecord(w io.Writer, d *liaison.Dissemination) {
	field(w, "ID", d.ID)
	field(w, "Product", d.ProductID+" version "+strconv.Itoa(d.ProductVersion))
	field(w, "From", d.FromOrg)
	field(w, "To", d.ToOrg)
	field(w, "Action", string(d.Action))
	field(w, "Agreement", d.AgreementID)
	field(w, "Officer", d.OfficerID)
	if len(d.ReleaseIDs) > 0 {
		field(w, "Releases", list(d.ReleaseIDs))
	}
	field(w, "Date", stamp(d.CreatedAt))
	for _, r := range d.Decision.Reasons {
		field(w, "Reason", r.Code+": "+r.Message)
	}
}
