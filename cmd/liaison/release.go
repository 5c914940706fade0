package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) releaseCommand() *cobra.Command {
	cmd := group("release", "Ask for and decide originators' consent to third-party release",
		`Under the third-party rule, what a partner gave you stays the partner's: to
pass it to another organisation you need the originator's consent. A
release request asks each originator whose consent is missing; the
originator approves (with conditions and an expiry) or denies.`)
	cmd.AddCommand(
		a.releaseRequestCommand(),
		a.releaseListCommand(),
		a.releaseDecideCommand("approve", true),
		a.releaseDecideCommand("deny", false),
	)
	return cmd
}

func (a *app) releaseRequestCommand() *cobra.Command {
	var d liaison.ReleaseDraft
	cmd := &cobra.Command{
		Use:   "request PRODUCT_ID --to ORG --why TEXT",
		Short: "Ask the originators to consent to a product going to a third party",
		Long: `Ask every originator of a product whose consent is missing to let it go to
a third party; one request is made per originator. Print the requests.`,
		Example: `  liaison release request "$P" --to de-bfv --why "Suspect travelled to Germany"`,
		Args:    exactArgs("PRODUCT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := required(cmd, "to", "why"); err != nil {
				return err
			}
			d.ProductID = args[0]
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				rs, err := s.RequestRelease(ctx, d)
				if err != nil {
					return err
				}
				return a.out.emit(rs, releaseIDs(rs), func(w io.Writer) { releaseTable(w, rs) })
			})
		},
	}
	cmd.Flags().StringVar(&d.To, "to", "", "the third party's organisation `ID` (required)")
	cmd.Flags().StringVar(&d.Justification, "why", "", "the justification, in `TEXT` (required)")
	return cmd
}

func (a *app) releaseListCommand() *cobra.Command {
	var (
		f      liaison.ReleaseFilter
		status string
	)
	cmd := &cobra.Command{
		Use:   "list [--status STATUS] [--org ORG] [--product ID]",
		Short: "List release requests",
		Long: `List the release requests the caller may see: those the caller's
organisation made and those addressed to it as originator.`,
		Example: `  liaison release list --status pending
  liaison release list --product "$P" -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.Status = liaison.ReleaseStatus(status)
			switch f.Status {
			case "", liaison.ReleasePending, liaison.ReleaseApproved, liaison.ReleaseDenied, liaison.ReleaseExpired:
			default:
				return invalidf("--status %q: use pending, approved, denied or expired", status)
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				rs, err := s.ReleaseRequests(ctx, f)
				if err != nil {
					return err
				}
				return a.out.emit(rs, releaseIDs(rs), func(w io.Writer) { releaseTable(w, rs) })
			})
		},
	}
	cmd.Flags().StringVar(&status, "status", "", "only requests in `STATUS`: pending, approved, denied or expired")
	cmd.Flags().StringVar(&f.OrgID, "org", "", "only requests made by or addressed to organisation `ID`")
	cmd.Flags().StringVar(&f.ProductID, "product", "", "only requests about product `ID`")
	return cmd
}

// releaseDecideCommand makes approve and deny.
func (a *app) releaseDecideCommand(verb string, approve bool) *cobra.Command {
	var (
		d       liaison.ReleaseDecision
		expires string
	)
	short := "Deny a release request addressed to your organisation"
	example := `  liaison release deny "$R" --conditions "Source would be exposed"`
	if approve {
		short = "Approve a release request addressed to your organisation"
		example = `  liaison release approve "$R" --conditions "Lead only" --expires 2026-12-31`
	}
	cmd := &cobra.Command{
		Use:   verb + " RELEASE_ID [--conditions TEXT] [--expires YYYY-MM-DD]",
		Short: short,
		Long: short + `, as the originator (liaison officers
and admins). An approval is consent for that product and that third party
only, until --expires if given.`,
		Example: example,
		Args:    exactArgs("RELEASE_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			d.Approve = approve
			if expires != "" {
				t, err := parseDay("expires", expires)
				if err != nil {
					return err
				}
				d.ExpiresAt = &t
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				r, err := s.DecideRelease(ctx, args[0], d)
				if err != nil {
					return err
				}
				return a.out.emit(r, []string{r.ID}, func(w io.Writer) { releaseRecord(w, r) })
			})
		},
	}
	cmd.Flags().StringVar(&d.Conditions, "conditions", "", "conditions or grounds, in `TEXT`")
	if approve {
		cmd.Flags().StringVar(&expires, "expires", "", "the consent lapses on `YYYY-MM-DD`")
	}
	return cmd
}

// releaseIDs returns the ids of release requests.
func releaseIDs(rs []*liaison.ReleaseRequest) []string {
	return idsOf(rs, func(r *liaison.ReleaseRequest) string { return r.ID })
}

// releaseTable writes release requests as a table.
func releaseTable(w io.Writer, rs []*liaison.ReleaseRequest) {
	row(w, "ID", "PRODUCT", "REQUESTER", "ORIGINATOR", "TO", "STATUS", "EXPIRES", "CREATED")
	for _, r := range rs {
		row(w, r.ID, r.ProductID, r.RequesterOrg, r.OriginatorOrg, r.ToOrg, string(r.Status), orDash(dayPtr(r.ExpiresAt)), day(r.CreatedAt))
	}
}

// releaseRecord writes a release request vertically.
func releaseRecord(w io.Writer, r *liaison.ReleaseRequest) {
	field(w, "ID", r.ID)
	field(w, "Product", r.ProductID)
	field(w, "Requester", r.RequesterOrg+" / "+r.RequesterOfficer)
	field(w, "Originator", r.OriginatorOrg)
	field(w, "To", r.ToOrg)
	field(w, "Justification", r.Justification)
	field(w, "Status", string(r.Status))
	field(w, "Conditions", r.Conditions)
	field(w, "Decided by", r.DecidedBy)
	field(w, "Decided", dayPtr(r.DecidedAt))
	field(w, "Expires", dayPtr(r.ExpiresAt))
	field(w, "Created", day(r.CreatedAt))
}
