package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/demo"
	"github.com/liaison-dev/liaison/sqlite"
)

// demoConfig is what `liaison demo` was asked for.
type demoConfig struct {
	// Addr is where to serve, HOST:PORT.
	Addr string
	// Data is the data directory; empty means a new temporary directory,
	// which runDemo makes.
	Data string
	// Seed makes the scenario deterministic.
	Seed int64
	// AdminToken, when set (from LIAISON_ADMIN_TOKEN), is the demo admin's token.
	AdminToken string
	// Stdout and Stderr are the command's streams.
	Stdout, Stderr io.Writer
}

func (a *app) demoCommand() *cobra.Command {
	cfg := demoConfig{}
	cmd := &cobra.Command{
		Use:   "demo [--addr HOST:PORT] [--data DIR] [--seed N]",
		Short: "Generate the demo scenario and serve it",
		Long: `Generate a deterministic demonstration scenario (services, hubs, officers,
agreements, products, disseminations, release requests, RFIs, feedback and
interactions) into a data directory and serve it on HOST:PORT until
interrupted. Without --data a new temporary directory is used. The address
may also come from LIAISON_ADDR.

The scenario ends with the full liaison loop, printed as it happened: a
product disseminated to a partner, the partner's forward to a third party
refused with the policy's reasons, a release request, its approval, the
forward, and the audit chain verified. The URL and the admin's token are
printed last; with LIAISON_ADMIN_TOKEN set, the admin uses that token.`,
		Example: `  liaison demo
  liaison demo --addr 127.0.0.1:9090 --data ./demo-node --seed 7`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("addr") {
				if env := a.getenv("LIAISON_ADDR"); env != "" {
					cfg.Addr = env
				}
			}
			cfg.Stdout, cfg.Stderr = a.stdout, a.stderr
			cfg.AdminToken = a.getenv("LIAISON_ADMIN_TOKEN")
			return a.runDemo(cmd.Context(), cfg)
		},
	}
	// demo's own --data shadows the global one: it does not read
	// LIAISON_DATA, so that a demo never writes into a real node.
	cmd.Flags().StringVar(&cfg.Data, "data", "", "the data `DIR` to generate into (default: a new temporary directory)")
	cmd.Flags().StringVar(&cfg.Addr, "addr", defaultAddr, "listen on `HOST:PORT`")
	cmd.Flags().Int64Var(&cfg.Seed, "seed", 1, "the scenario's random `SEED`")
	return cmd
}

// runDemo generates the demo scenario into a fresh store and serves it.
func (a *app) runDemo(ctx context.Context, cfg demoConfig) error {
	dir := cfg.Data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "liaison-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	path := filepath.Join(dir, dbFile)
	if _, err := os.Stat(path); err == nil {
		return liaison.Errorf(liaison.ECONFLICT, "demo: %s already holds a node; give an empty --data directory", dir)
	}
	logger := a.logger(slog.LevelInfo)
	if err := createPrivate(path); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer db.Close()
	fmt.Fprintf(cfg.Stdout, "Building the demo scenario (seed %d) in %s ...\n", cfg.Seed, dir)
	sc, err := demo.Build(ctx, db, demo.Options{Seed: cfg.Seed, AdminToken: cfg.AdminToken})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	w := cfg.Stdout
	fmt.Fprintf(w, "%d organisations, %d officers, %d agreements, %d products, %d disseminations (%d refused), %d release requests, %d RFIs, %d feedback, %d interactions, %d breach, %d audit events.\n\n",
		sc.Organisations, sc.Officers, sc.Agreements, sc.Products, sc.Disseminations, sc.Refusals, sc.ReleaseRequests, sc.RFIs, sc.Feedback, sc.Interactions, sc.Breaches, sc.AuditEvents)
	fmt.Fprintln(w, "The liaison loop:")
	for i, st := range sc.Loop {
		fmt.Fprintf(w, "  %d. %s\n", i+1, st.Title)
		if st.Detail != "" {
			fmt.Fprintf(w, "     %s\n", st.Detail)
		}
		for _, r := range st.Reasons {
			fmt.Fprintf(w, "     - %s: %s\n", r.Code, r.Message)
		}
	}
	addr := cfg.Addr
	if addr == "" {
		addr = defaultAddr
	}
	fmt.Fprintf(w, "\nAdmin %s (%s) token: %s\n", sc.AdminID, sc.HomeOrg, sc.AdminToken)
	fmt.Fprintf(w, "Partner officer %s token: %s\n", sc.PartnerOfficerID, sc.PartnerToken)
	fmt.Fprintf(w, "Try: curl -H \"Authorization: Bearer %s\" http://%s/api/v1/products\n", sc.AdminToken, addr)
	fmt.Fprintf(w, "     curl -H \"Accept: application/taxii+json;version=2.1\" -u %s:%s http://%s/taxii2/liaison/collections/\n",
		sc.PartnerOfficerID, sc.PartnerToken, addr)
	fmt.Fprintf(w, "     liaison --data %s export --to %s\n", dir, sc.LoopPartner)
	fmt.Fprintf(w, "     liaison --data %s priorities show %s   (its threat priorities diverge from %s's)\n", dir, sc.DivergentPartner, sc.HomeOrg)
	fmt.Fprintf(w, "     liaison --data %s coverage show %s\n", dir, sc.OpportunityPartner)
	fmt.Fprintf(w, "     liaison --data %s audit verify\n\n", dir)
	n := &node{db: db, desk: newDesk(db, logger)}
	return a.serveNode(ctx, n, addr, logger)
}
