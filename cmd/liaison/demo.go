package main

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"
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
may also come from LIAISON_ADDR.`,
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
			return runDemo(cmd.Context(), cfg)
		},
	}
	// demo's own --data shadows the global one: it does not read
	// LIAISON_DATA, so that a demo never writes into a real node.
	cmd.Flags().StringVar(&cfg.Data, "data", "", "the data `DIR` to generate into (default: a new temporary directory)")
	cmd.Flags().StringVar(&cfg.Addr, "addr", defaultAddr, "listen on `HOST:PORT`")
	cmd.Flags().Int64Var(&cfg.Seed, "seed", 1, "the scenario's random `SEED`")
	return cmd
}

// runDemo generates the demo scenario and serves it. The lead wires it to
// package demo.
func runDemo(ctx context.Context, cfg demoConfig) error {
	return errors.New("demo: not wired yet")
}
