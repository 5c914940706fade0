package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/api"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/sqlite"
)

// shutdownGrace is how long serve waits for requests in flight when told
// to stop.
const shutdownGrace = 10 * time.Second

// initResult is what init prints with -o json.
type initResult struct {
	Node  string `json:"node"`  // the node's name
	Data  string `json:"data"`  // the data directory
	Org   string `json:"org"`   // the home organisation's id
	Admin string `json:"admin"` // the admin officer's id
	Token string `json:"token"` // the admin's token, shown only this once
}

func (a *app) initCommand() *cobra.Command {
	var (
		nodeName, orgID, orgName, orgKind, country string
		members                                    []string
		adminID, adminName, adminClearance, token  string
	)
	cmd := &cobra.Command{
		Use:   "init --data DIR",
		Short: "Initialise a node's data directory",
		Long: `Initialise a node in a data directory: create the directory if needed, the
SQLite database DIR/liaison.db, the node's identity and Ed25519 key, its
home organisation and that organisation's admin officer.

The admin's API token is printed once: keep it, it cannot be shown again
(issue another with 'liaison officer token' on the data directory). init
refuses a directory that is already initialised.`,
		Example: `  liaison init --data ./node
  liaison init --data ./bfv --org-id de-bfv --org-name "Bundesamt für Verfassungsschutz" \
      --country DE --member EU --member NATO --admin-id de-bfv.admin --admin-name "Admin"
  TOKEN=$(liaison init --data ./node -o id)`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.dataDir(cmd)
			if err != nil {
				return err
			}
			marks := marking.DefaultRegistry()
			clearance, err := parseClassification(marks, "admin-clearance", adminClearance)
			if err != nil {
				return err
			}
			org := liaison.Organisation{ID: orgID, Name: orgName, Kind: liaison.OrgKind(orgKind), Country: country, Memberships: splitList(members)}
			org.Normalise()
			if err := org.Validate(); err != nil {
				return err
			}
			admin := liaison.Officer{ID: adminID, OrgID: org.ID, Name: adminName, Role: liaison.RoleAdmin,
				Clearance: clearance, NeedToKnow: []string{liaison.AllTopics}, Active: true}
			if err := admin.Normalise(); err != nil {
				return err
			}
			if err := admin.Validate(); err != nil {
				return err
			}
			path := filepath.Join(dir, dbFile)
			if _, err := os.Stat(path); err == nil {
				return liaison.Errorf(liaison.ECONFLICT, "%s is already initialised (%s exists)", dir, path)
			} else if !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("init %s: %w", dir, err)
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("init: create %s: %w", dir, err)
			}
			ctx := cmd.Context()
			if err := createPrivate(path); err != nil {
				return fmt.Errorf("init: %w", err)
			}
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				return fmt.Errorf("init: open %s: %w", path, err)
			}
			key, err := writeNodeKey(filepath.Join(dir, keyFile))
			if err != nil {
				db.Close()
				os.Remove(path)
				return fmt.Errorf("init: %w", err)
			}
			d := newDesk(db, a.logger(slog.LevelWarn))
			tok, err := d.Init(ctx, desk.InitParams{NodeName: nodeName, Org: org, Admin: admin, AdminToken: token, Key: key})
			if err != nil {
				db.Close()
				os.Remove(filepath.Join(dir, keyFile))
				// Leave no half-made node behind, so that init can be run again.
				os.Remove(path)
				os.Remove(path + "-wal")
				os.Remove(path + "-shm")
				return fmt.Errorf("init %s: %w", dir, err)
			}
			if err := db.Close(); err != nil {
				return fmt.Errorf("init: close %s: %w", path, err)
			}
			res := initResult{Node: nodeName, Data: dir, Org: org.ID, Admin: admin.ID, Token: tok}
			return a.out.emit(res, []string{tok}, func(w io.Writer) {
				fmt.Fprintf(w, "Initialised node %q in %s: home organisation %s, admin %s.\n", nodeName, dir, org.ID, admin.ID)
				fmt.Fprintf(w, "Admin token: %s\n", tok)
				fmt.Fprintln(w, "Keep this token safe: it is shown only this once and cannot be recovered.")
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&nodeName, "node-name", "liaison", "the node's `NAME`")
	f.StringVar(&orgID, "org-id", "home", "home organisation `ID` (a slug such as de-bfv)")
	f.StringVar(&orgName, "org-name", "Home Service", "home organisation `NAME`")
	f.StringVar(&orgKind, "org-kind", string(liaison.OrgNationalService), "home organisation `KIND`: national_service, eu_body, nato_body, police or cert")
	f.StringVar(&country, "country", "BE", "home organisation's ISO 3166 alpha-2 `CODE` (empty for an international body)")
	f.StringArrayVar(&members, "member", nil, "a `MEMBERSHIP` of the home organisation, e.g. EU or NATO (repeatable, or comma-separated)")
	f.StringVar(&adminID, "admin-id", "admin", "admin officer `ID`")
	f.StringVar(&adminName, "admin-name", "Administrator", "admin officer `NAME`")
	f.StringVar(&adminClearance, "admin-clearance", "TRES SECRET UE", "admin officer's `CLEARANCE`")
	f.StringVar(&token, "admin-token", "", "use this `TOKEN` for the admin instead of a random one (for scripted set-ups)")
	return cmd
}

func (a *app) serveCommand() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve --data DIR [--addr HOST:PORT]",
		Short: "Serve a node's REST API",
		Long: `Serve the REST API of the node in DIR on HOST:PORT until interrupted.

The listening URL is printed on stdout once the port is bound (port 0
picks a free port); logs go to stderr. On SIGINT or SIGTERM the server
stops accepting connections and finishes the requests in flight.
The address may also come from LIAISON_ADDR.`,
		Example: `  liaison serve --data ./node
  liaison serve --data ./node --addr 0.0.0.0:8443`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.dataDir(cmd)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("addr") {
				if env := a.getenv("LIAISON_ADDR"); env != "" {
					addr = env
				}
			}
			return a.serve(cmd.Context(), dir, addr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", defaultAddr, "listen on `HOST:PORT`")
	return cmd
}

// serve runs the API server on the node in dir until ctx is done.
func (a *app) serve(ctx context.Context, dir, addr string) error {
	logger := a.logger(slog.LevelInfo)
	n, err := openNode(ctx, dir, logger)
	if err != nil {
		return err
	}
	err = a.serveNode(ctx, n, addr, logger)
	if cerr := n.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("serve: close node: %w", cerr)
	}
	return err
}

// serveNode serves n's API on addr until ctx is done.
func (a *app) serveNode(ctx context.Context, n *node, addr string, logger *slog.Logger) error {
	handler := api.NewServer(api.Config{Backend: n.desk, Logger: logger})
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	url := "http://" + ln.Addr().String()
	logger.Info("serving", "url", url)
	fmt.Fprintf(a.stdout, "liaison: serving on %s\n", url)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}

func (a *app) whoamiCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show the officer you act as",
		Long: `Show the officer the command line acts as: with --data the home
organisation's admin (or --as OFFICER_ID), with --server the officer
whose token is given.`,
		Example: `  liaison whoami --data ./node
  liaison whoami --server http://127.0.0.1:8080 --token "$TOKEN" -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				o, err := s.Whoami(ctx)
				if err != nil {
					return err
				}
				return a.out.emit(o, []string{o.ID}, func(w io.Writer) { officerRecord(w, o) })
			})
		},
	}
}

// keyFile holds the node's Ed25519 private key (PKCS #8, PEM), readable by
// its owner only. Federated peers will verify what the node signs with the
// public key recorded in the node's identity.
const keyFile = "node.key"

// writeNodeKey generates the node's key and writes it to path, refusing to
// overwrite an existing key.
func writeNodeKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate node key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode node key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write node key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, fmt.Errorf("write node key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write node key: %w", err)
	}
	return key, nil
}

// createPrivate creates an empty file readable by its owner only, so that
// the database SQLite then opens there (and its WAL, which takes the same
// mode) is not readable by others.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}
