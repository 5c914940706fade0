package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) orgCommand() *cobra.Command {
	cmd := group("org", "Manage organisations (services, EU and NATO bodies, police, CERTs)",
		`Organisations are the parties to liaison: national services, EU and NATO
bodies, police and CERT units. Each has a slug id chosen by the node that
registers it, such as de-bfv or eu-intcen.`)
	cmd.AddCommand(a.orgCreateCommand(), a.orgListCommand(), a.orgShowCommand())
	return cmd
}

func (a *app) orgCreateCommand() *cobra.Command {
	var (
		o       liaison.Organisation
		kind    string
		members []string
	)
	cmd := &cobra.Command{
		Use:   "create --id ID --name NAME [--kind KIND] [--country CC] [--member M]...",
		Short: "Register an organisation",
		Long: `Register an organisation with the node (admins only). A national service
needs a country (ISO 3166 alpha-2); memberships such as EU, NATO or
CLUB_OF_BERNE feed releasable-to lists and trust.`,
		Example: `  liaison org create --id fr-dgsi --name "Direction générale de la sécurité intérieure" \
      --kind national_service --country FR --member EU --member NATO
  liaison org create --id eu-intcen --name "EU Intelligence and Situation Centre" --kind eu_body --member EU`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "id", "name"); err != nil {
				return err
			}
			o.Kind = liaison.OrgKind(kind)
			o.Memberships = splitList(members)
			o.Normalise()
			if err := o.Validate(); err != nil {
				return err
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				if err := s.CreateOrganisation(ctx, &o); err != nil {
					return err
				}
				return a.out.emit(&o, []string{o.ID}, func(w io.Writer) { orgRecord(w, &o) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.ID, "id", "", "organisation `ID`, a slug such as fr-dgsi (required)")
	f.StringVar(&o.Name, "name", "", "organisation `NAME` (required)")
	f.StringVar(&kind, "kind", string(liaison.OrgNationalService), "`KIND`: national_service, eu_body, nato_body, police or cert")
	f.StringVar(&o.Country, "country", "", "ISO 3166 alpha-2 country `CODE` (required for a national service)")
	f.StringArrayVar(&members, "member", nil, "a `MEMBERSHIP` such as EU or NATO (repeatable, or comma-separated)")
	return cmd
}

func (a *app) orgListCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List organisations",
		Long:    `List the organisations the node knows, by id.`,
		Example: `  liaison org list --data ./node`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				orgs, err := s.Organisations(ctx)
				if err != nil {
					return err
				}
				return a.out.emit(orgs, idsOf(orgs, func(o *liaison.Organisation) string { return o.ID }), func(w io.Writer) {
					row(w, "ID", "NAME", "KIND", "COUNTRY", "MEMBERSHIPS")
					for _, o := range orgs {
						row(w, o.ID, trunc(o.Name, 40), string(o.Kind), orDash(o.Country), list(o.Memberships))
					}
				})
			})
		},
	}
}

func (a *app) orgShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "show ORG_ID",
		Short:   "Show an organisation",
		Long:    `Show one organisation.`,
		Example: `  liaison org show fr-dgsi -o json`,
		Args:    exactArgs("ORG_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				o, err := s.Organisation(ctx, args[0])
				if err != nil {
					return err
				}
				return a.out.emit(o, []string{o.ID}, func(w io.Writer) { orgRecord(w, o) })
			})
		},
	}
}

// orgRecord writes an organisation vertically.
func orgRecord(w io.Writer, o *liaison.Organisation) {
	field(w, "ID", o.ID)
	field(w, "Name", o.Name)
	field(w, "Kind", string(o.Kind))
	field(w, "Country", o.Country)
	field(w, "Memberships", list(o.Memberships))
	field(w, "Node", o.NodeID)
	if !o.CreatedAt.IsZero() {
		field(w, "Created", day(o.CreatedAt))
	}
}
