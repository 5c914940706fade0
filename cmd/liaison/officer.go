package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/marking"
)

// tokenWarning follows every token printed.
const tokenWarning = "Keep this token safe: it is shown only this once and cannot be recovered."

// officerCreated is what officer create prints with -o json.
type officerCreated struct {
	Officer *liaison.Officer `json:"officer"`
	Token   string           `json:"token"`
}

// tokenIssued is what officer token prints with -o json.
type tokenIssued struct {
	OfficerID string `json:"officer_id"`
	Token     string `json:"token"`
}

func (a *app) officerCommand() *cobra.Command {
	cmd := group("officer", "Manage officers and their API tokens",
		`Officers act for an organisation: admins, liaison officers, analysts and
auditors. Clearance bounds the classification they may read, need-to-know
topics what they may read about.`)
	cmd.AddCommand(a.officerCreateCommand(), a.officerListCommand(), a.officerTokenCommand())
	return cmd
}

func (a *app) officerCreateCommand() *cobra.Command {
	var (
		o               liaison.Officer
		role, clearance string
		topics          []string
	)
	cmd := &cobra.Command{
		Use:   "create --id ID --org ORG --name NAME --role ROLE --clearance LEVEL --topics T,...",
		Short: "Register an officer and issue their first token",
		Long: `Register an officer of an organisation and print their first API token,
once. Roles: admin, liaison_officer, analyst, auditor. Topics are the
officer's need-to-know ("*" for every topic).

With -o id only the officer's id is printed; use -o json to capture the
token in a script (field "token").`,
		Example: `  liaison officer create --id home.dupont --org home --name "Claire Dupont" \
      --role liaison_officer --clearance "SECRET UE" --topics terrorism,proliferation
  liaison officer create --id home.audit --org home --name "Audit" --role auditor \
      --clearance "RESTREINT UE" --topics "*" -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "id", "org", "name", "clearance", "topics"); err != nil {
				return err
			}
			c, err := parseClassification(marking.DefaultRegistry(), "clearance", clearance)
			if err != nil {
				return err
			}
			o.Clearance = c
			o.Role = liaison.Role(role)
			o.NeedToKnow = splitList(topics)
			o.Active = true
			if err := o.Normalise(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				tok, err := s.CreateOfficer(ctx, &o)
				if err != nil {
					return err
				}
				return a.out.emit(officerCreated{Officer: &o, Token: tok}, []string{o.ID}, func(w io.Writer) {
					officerRecord(w, &o)
					fmt.Fprintf(w, "Token:\t%s\n", tok)
					fmt.Fprintln(w, tokenWarning)
				})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.ID, "id", "", "officer `ID`, a slug such as fr-dgsi.martin (required)")
	f.StringVar(&o.OrgID, "org", "", "the officer's organisation `ID` (required)")
	f.StringVar(&o.Name, "name", "", "the officer's `NAME` (required)")
	f.StringVar(&role, "role", string(liaison.RoleAnalyst), "`ROLE`: admin, liaison_officer, analyst or auditor")
	f.StringVar(&clearance, "clearance", "", "`LEVEL` of clearance, e.g. \"SECRET UE\" or \"NATO SECRET\" (required)")
	f.StringArrayVar(&topics, "topics", nil, "need-to-know `TOPICS`, comma-separated or repeated; \"*\" for all (required)")
	return cmd
}

func (a *app) officerListCommand() *cobra.Command {
	var org string
	cmd := &cobra.Command{
		Use:   "list [--org ORG]",
		Short: "List officers",
		Long:  `List the officers the caller may see, by id, of one organisation or of all.`,
		Example: `  liaison officer list
  liaison officer list --org fr-dgsi -o id`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				officers, err := s.Officers(ctx, org)
				if err != nil {
					return err
				}
				return a.out.emit(officers, idsOf(officers, func(o *liaison.Officer) string { return o.ID }), func(w io.Writer) {
					row(w, "ID", "ORG", "NAME", "ROLE", "CLEARANCE", "TOPICS", "ACTIVE")
					for _, o := range officers {
						row(w, o.ID, o.OrgID, trunc(o.Name, 30), string(o.Role), o.Clearance.String(), trunc(list(o.NeedToKnow), 30), yesNo(o.Active))
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "only officers of organisation `ID`")
	return cmd
}

func (a *app) officerTokenCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "token OFFICER_ID",
		Short: "Issue a new API token for an officer",
		Long: `Issue a new API token for an officer and print it, once. Earlier tokens
stay valid. With -o id only the token is printed.`,
		Example: `  liaison officer token home.dupont --data ./node
  T=$(liaison officer token home.dupont --data ./node -o id)`,
		Args: exactArgs("OFFICER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				tok, err := s.IssueToken(ctx, args[0])
				if err != nil {
					return err
				}
				return a.out.emit(tokenIssued{OfficerID: args[0], Token: tok}, []string{tok}, func(w io.Writer) {
					fmt.Fprintf(w, "Token for %s: %s\n", args[0], tok)
					fmt.Fprintln(w, tokenWarning)
				})
			})
		},
	}
}

// officerRecord writes an officer vertically.
func officerRecord(w io.Writer, o *liaison.Officer) {
	field(w, "ID", o.ID)
	field(w, "Organisation", o.OrgID)
	field(w, "Name", o.Name)
	field(w, "Role", string(o.Role))
	field(w, "Clearance", o.Clearance.String())
	field(w, "Need to know", list(o.NeedToKnow))
	field(w, "Active", yesNo(o.Active))
	if !o.CreatedAt.IsZero() {
		field(w, "Created", day(o.CreatedAt))
	}
}
