package main

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) rfiCommand() *cobra.Command {
	cmd := group("rfi", "Ask and answer requests for information",
		`A request for information (RFI) asks another organisation a question on a
topic by a deadline; it is answered by linking products to it.`)
	cmd.AddCommand(a.rfiCreateCommand(), a.rfiListCommand(), a.rfiAnswerCommand())
	return cmd
}

func (a *app) rfiCreateCommand() *cobra.Command {
	var (
		r                  liaison.RFI
		priority, deadline string
	)
	cmd := &cobra.Command{
		Use:   "create --to ORG --topic TOPIC --question TEXT --deadline YYYY-MM-DD [--priority P]",
		Short: "Send a request for information",
		Long: `Send a request for information to an organisation. Priorities: low,
medium, high, critical.`,
		Example: `  liaison rfi create --to fr-dgsi --topic terrorism --priority high \
      --question "Known associates of the courier?" --deadline 2026-03-01`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "to", "topic", "question", "deadline"); err != nil {
				return err
			}
			t, err := parseDay("deadline", deadline)
			if err != nil {
				return err
			}
			r.Deadline = t
			r.Priority = liaison.RFIPriority(priority)
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				if err := s.CreateRFI(ctx, &r); err != nil {
					return err
				}
				return a.out.emit(&r, []string{r.ID}, func(w io.Writer) { rfiRecord(w, &r) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.ToOrg, "to", "", "the addressee organisation `ID` (required)")
	f.StringVar(&r.Topic, "topic", "", "the `TOPIC` (required)")
	f.StringVar(&r.Question, "question", "", "the question, in `TEXT` (required)")
	f.StringVar(&priority, "priority", string(liaison.PriorityMedium), "`PRIORITY`: low, medium, high or critical")
	f.StringVar(&deadline, "deadline", "", "answer wanted by `YYYY-MM-DD` (required)")
	return cmd
}

func (a *app) rfiListCommand() *cobra.Command {
	var f liaison.ListFilter
	cmd := &cobra.Command{
		Use:   "list [--org ORG] [--limit N]",
		Short: "List requests for information",
		Long:  `List the requests for information made by or addressed to the caller's organisation.`,
		Example: `  liaison rfi list
  liaison rfi list -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				rs, err := s.RFIs(ctx, f)
				if err != nil {
					return err
				}
				return a.out.emit(rs, idsOf(rs, func(r *liaison.RFI) string { return r.ID }), func(w io.Writer) {
					row(w, "ID", "FROM", "TO", "TOPIC", "PRIORITY", "STATUS", "DEADLINE", "ANSWERS", "QUESTION")
					for _, r := range rs {
						row(w, r.ID, r.FromOrg, r.ToOrg, r.Topic, string(r.Priority), string(r.Status), day(r.Deadline), strconv.Itoa(len(r.Answers)), trunc(r.Question, 40))
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&f.OrgID, "org", "", "only requests involving organisation `ID`")
	cmd.Flags().IntVar(&f.Limit, "limit", 0, "at most `N` requests (0: no limit)")
	return cmd
}

func (a *app) rfiAnswerCommand() *cobra.Command {
	var productID string
	cmd := &cobra.Command{
		Use:   "answer RFI_ID --product PRODUCT_ID",
		Short: "Answer a request for information with a product",
		Long: `Link a product that answers a request for information and mark it
answered. Send the product itself with 'liaison disseminate'.`,
		Example: `  liaison rfi answer "$R" --product "$P"`,
		Args:    exactArgs("RFI_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := required(cmd, "product"); err != nil {
				return err
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				r, err := s.AnswerRFI(ctx, args[0], productID)
				if err != nil {
					return err
				}
				return a.out.emit(r, []string{r.ID}, func(w io.Writer) { rfiRecord(w, r) })
			})
		},
	}
	cmd.Flags().StringVar(&productID, "product", "", "the answering product `ID` (required)")
	return cmd
}

// rfiRecord writes a request for information vertically.
func rfiRecord(w io.Writer, r *liaison.RFI) {
	field(w, "ID", r.ID)
	field(w, "From", r.FromOrg+" / "+r.FromOfficer)
	field(w, "To", r.ToOrg)
	field(w, "Topic", r.Topic)
	field(w, "Question", r.Question)
	field(w, "Priority", string(r.Priority))
	field(w, "Status", string(r.Status))
	field(w, "Deadline", day(r.Deadline))
	for _, an := range r.Answers {
		field(w, "Answer", an.ProductID+" by "+an.OfficerID+" on "+day(an.At))
	}
	field(w, "Created", day(r.CreatedAt))
}
