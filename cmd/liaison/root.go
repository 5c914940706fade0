package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/api"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/sqlite"
)

// dbFile is the name of the SQLite file inside a node's data directory.
const dbFile = "liaison.db"

// defaultAddr is where serve and demo listen unless told otherwise.
const defaultAddr = "127.0.0.1:8080"

// clientTimeout bounds one request to a server.
const clientTimeout = 60 * time.Second

// app is one invocation of the CLI: its environment, its streams, and the
// values of the global flags.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	// Global flags, as given; see target for how they combine with the
	// environment.
	data   string
	server string
	token  string
	as     string
	output string

	out *printer
}

// rootCommand builds the whole command tree.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "liaison",
		Short: "Exchange classified intelligence products between services under agreements",
		Long: `liaison runs and drives a liaison node: a service's sovereign store of
intelligence products, the organisations and officers it deals with, the
agreements it exchanges under, and a tamper-evident audit chain of every act.

Every command that needs a node works either directly on a node's data
directory (--data DIR, acting as the home organisation's admin or as
--as OFFICER_ID) or against a running server (--server URL with --token).
Give exactly one of --data and --server. Each global flag may also come
from the environment: LIAISON_DATA, LIAISON_SERVER, LIAISON_TOKEN,
LIAISON_AS (and LIAISON_ADDR for serve and demo); a flag on the command
line wins over the environment.

Output is a table by default; -o json prints the result as JSON and -o id
only its id(s), one per line, for scripts.`,
		Example: `  liaison init --data ./node
  liaison serve --data ./node --addr 127.0.0.1:8080
  liaison org list --data ./node
  export LIAISON_SERVER=http://127.0.0.1:8080 LIAISON_TOKEN=...
  P=$(liaison product create --title "Courier network" --body-file report.txt \
        --topics terrorism --marking "SECRET UE//ORCON" -o id)
  liaison disseminate "$P" --to fr-dgsi`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			switch a.output {
			case formatTable, formatJSON, formatID:
			default:
				return usagef(cmd, "--output %q: use table, json or id", a.output)
			}
			a.out = &printer{format: a.output, w: a.stdout}
			return nil
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	pf := root.PersistentFlags()
	pf.StringVar(&a.data, "data", "", "work directly on the node's data `DIR` (env LIAISON_DATA)")
	pf.StringVar(&a.server, "server", "", "work against the server at `URL` (env LIAISON_SERVER)")
	pf.StringVar(&a.token, "token", "", "API `TOKEN` for --server (env LIAISON_TOKEN)")
	pf.StringVar(&a.as, "as", "", "with --data, act as `OFFICER_ID` instead of the home admin (env LIAISON_AS)")
	pf.StringVarP(&a.output, "output", "o", formatTable, "output `FORMAT`: table, json or id")

	root.AddCommand(
		a.initCommand(),
		a.serveCommand(),
		a.demoCommand(),
		a.whoamiCommand(),
		a.orgCommand(),
		a.officerCommand(),
		a.agreementCommand(),
		a.productCommand(),
		a.disseminateCommand(),
		a.disseminationCommand(),
		a.releaseCommand(),
		a.rfiCommand(),
		a.feedbackCommand(),
		a.interactionCommand(),
		a.breachCommand(),
		a.prioritiesCommand(),
		a.coverageCommand(),
		a.trustCommand(),
		a.ledgerCommand(),
		a.typologyCommand(),
		a.whocanCommand(),
		a.alignmentCommand(),
		a.warningsCommand(),
		a.auditCommand(),
		a.importCommand(),
		a.exportCommand(),
		a.taxiiCommand(),
	)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{cmd: cmd.CommandPath(), msg: err.Error()}
	})
	tagRunErrors(root)
	groupExamples(root)
	return root
}

// groupExamples gives every group of commands without examples of its
// own the first example of each of its subcommands.
func groupExamples(c *cobra.Command) {
	for _, sub := range c.Commands() {
		groupExamples(sub)
	}
	if c.Example != "" || !c.HasSubCommands() {
		return
	}
	var lines []string
	for _, sub := range c.Commands() {
		for _, line := range strings.Split(sub.Example, "\n") {
			lines = append(lines, line)
			if !strings.HasSuffix(line, "\\") {
				break
			}
		}
	}
	c.Example = strings.Join(lines, "\n")
}

// group returns a command that only holds subcommands: run alone it
// prints its help, and with an argument it is a usage error (cobra would
// otherwise print the help and succeed on a mistyped subcommand).
func group(use, short, long string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef(cmd, "unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
}

// tagRunErrors wraps the RunE of every command so that errors from a
// command's own work are told apart from cobra's errors about the command
// line (unknown commands and flags, bad arguments), which are usage errors.
func tagRunErrors(c *cobra.Command) {
	if c.RunE != nil {
		inner := c.RunE
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if err := inner(cmd, args); err != nil {
				return &runError{err: err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		tagRunErrors(sub)
	}
}

// runError marks an error returned by a command's RunE.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// usageError is a mistake on the command line; it exits with status 2.
type usageError struct {
	cmd string // the command path, for the hint
	msg string
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error about cmd.
func usagef(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd.CommandPath(), msg: fmt.Sprintf(format, args...)}
}

// classify turns an error from cobra's Execute into what run returns: a
// command's own error as it is, anything else as a usage error.
func classify(err error) error {
	var r *runError
	if errors.As(err, &r) {
		return r.err
	}
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	return &usageError{cmd: "liaison", msg: err.Error()}
}

// printError reports err on stderr: "error: <message> (<code>)", then,
// for a policy refusal, every reason as "  - code: message".
func (a *app) printError(err error) {
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprintf(a.stderr, "error: %s (%s)\n", u.msg, liaison.EINVALID)
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", u.cmd)
		return
	}
	var e *liaison.Error
	if errors.As(err, &e) {
		msg := e.Message
		if e.Code == liaison.EINTERNAL && e.Err != nil {
			// The CLI's user is the node's operator: the cause helps them.
			msg += ": " + e.Err.Error()
		}
		fmt.Fprintf(a.stderr, "error: %s (%s)\n", msg, e.Code)
		for _, r := range e.Reasons {
			fmt.Fprintf(a.stderr, "  - %s: %s\n", r.Code, r.Message)
		}
		return
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(a.stderr, "error: interrupted\n")
		return
	}
	fmt.Fprintf(a.stderr, "error: %s (%s)\n", err, liaison.EINTERNAL)
}

// invalidf returns an EINVALID domain error about the command's input.
func invalidf(format string, args ...any) error {
	return liaison.Errorf(liaison.EINVALID, format, args...)
}

// target is where a command works: a data directory or a server.
type target struct {
	data   string // node data directory, or ""
	server string // server base URL, or ""
	token  string
	as     string
}

// target resolves the global flags with the environment: a flag given on
// the command line wins; --data and --server exclude each other.
func (a *app) target(cmd *cobra.Command) (target, error) {
	f := cmd.Flags()
	dataSet, serverSet := f.Changed("data"), f.Changed("server")
	t := target{data: a.data, server: a.server, token: a.token, as: a.as}
	switch {
	case dataSet && serverSet:
		return t, usagef(cmd, "give either --data or --server, not both")
	case dataSet:
		t.server = ""
	case serverSet:
		t.data = ""
	default:
		t.data, t.server = a.getenv("LIAISON_DATA"), a.getenv("LIAISON_SERVER")
		if t.data != "" && t.server != "" {
			return t, usagef(cmd, "both LIAISON_DATA and LIAISON_SERVER are set: choose with --data or --server")
		}
	}
	if !f.Changed("token") {
		t.token = a.getenv("LIAISON_TOKEN")
	}
	if !f.Changed("as") {
		t.as = a.getenv("LIAISON_AS")
	}
	if t.data == "" && t.server == "" {
		return t, usagef(cmd, "no node given: use --data DIR (a node's data directory) or --server URL (a running server)")
	}
	if t.server != "" {
		if f.Changed("as") {
			return t, usagef(cmd, "--as works only with --data; with --server you act as the officer of the token")
		}
		t.as = ""
		if t.token == "" {
			return t, usagef(cmd, "--server needs --token (or LIAISON_TOKEN)")
		}
	}
	return t, nil
}

// dataDir resolves the data directory for commands that only work on one
// (init, serve).
func (a *app) dataDir(cmd *cobra.Command) (string, error) {
	if cmd.Flags().Changed("server") {
		return "", usagef(cmd, "%s works on a data directory: use --data DIR, not --server", cmd.Name())
	}
	dir := a.data
	if !cmd.Flags().Changed("data") {
		dir = a.getenv("LIAISON_DATA")
	}
	if dir == "" {
		return "", usagef(cmd, "%s needs --data DIR (or LIAISON_DATA)", cmd.Name())
	}
	return dir, nil
}

// node is an opened data directory.
type node struct {
	db   *sqlite.DB
	desk *desk.Desk
}

// Close closes the node's store.
func (n *node) Close() error { return n.db.Close() }

// newDesk returns the desk over a store, with the default marking registry
// and the system clock.
func newDesk(db *sqlite.DB, logger *slog.Logger) *desk.Desk {
	return desk.New(desk.Config{
		Store:  db,
		Marks:  marking.DefaultRegistry(),
		Clock:  liaison.SystemClock,
		Logger: logger,
	})
}

// openNode opens an initialised data directory.
func openNode(ctx context.Context, dir string, logger *slog.Logger) (*node, error) {
	path := filepath.Join(dir, dbFile)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, liaison.Errorf(liaison.ENOTFOUND, "%s is not an initialised node (no %s): run 'liaison init --data %s' first", dir, dbFile, dir)
		}
		return nil, fmt.Errorf("open node %s: %w", dir, err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open node %s: %w", dir, err)
	}
	return &node{db: db, desk: newDesk(db, logger)}, nil
}

// withService runs fn with the Service of the resolved target: a desk on
// the data directory acting as the home admin or --as, or a REST client.
func (a *app) withService(cmd *cobra.Command, fn func(ctx context.Context, s liaison.Service) error) error {
	ctx := cmd.Context()
	t, err := a.target(cmd)
	if err != nil {
		return err
	}
	if t.server != "" {
		c := api.NewClient(strings.TrimRight(t.server, "/"), t.token, &http.Client{Timeout: clientTimeout})
		return fn(ctx, c)
	}
	return a.onData(ctx, t, func(d *desk.Desk, o *liaison.Officer) error { return fn(ctx, d.As(o)) })
}

// onData runs fn on the data directory of t with the officer to act as:
// --as, or the home organisation's administrator.
func (a *app) onData(ctx context.Context, t target, fn func(d *desk.Desk, o *liaison.Officer) error) error {
	n, err := openNode(ctx, t.data, a.logger(slog.LevelWarn))
	if err != nil {
		return err
	}
	err = func() error {
		var o *liaison.Officer
		var err error
		if t.as != "" {
			o, err = n.desk.Officer(ctx, t.as)
		} else {
			o, err = n.desk.LocalAdmin(ctx)
		}
		if err != nil {
			return fmt.Errorf("acting on %s: %w", t.data, err)
		}
		return fn(n.desk, o)
	}()
	if cerr := n.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close node %s: %w", t.data, cerr)
	}
	return err
}

// logger returns a text logger on stderr at the given level.
func (a *app) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
}

// noArgs accepts no positional argument.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef(cmd, "unexpected argument %q", args[0])
	}
	return nil
}

// exactArgs accepts exactly the named positional arguments.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usagef(cmd, "missing %s", strings.Join(names[len(args):], " "))
		case len(args) > len(names):
			return usagef(cmd, "unexpected argument %q", args[len(names)])
		}
		return nil
	}
}

// required reports a usage error when any of the named flags was not given.
func required(cmd *cobra.Command, names ...string) error {
	var missing []string
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			missing = append(missing, "--"+n)
		}
	}
	if len(missing) > 0 {
		return usagef(cmd, "missing required %s", strings.Join(missing, ", "))
	}
	return nil
}

// parseClassification reads a classification given in flag, as an
// EMARKING error naming the flag when it is unknown or ambiguous.
func parseClassification(marks *marking.Registry, flag, s string) (marking.Classification, error) {
	c, err := marks.ParseClassification(s)
	if err != nil {
		return c, &liaison.Error{Code: liaison.EMARKING, Message: fmt.Sprintf("--%s: %v", flag, err), Err: err}
	}
	return c, nil
}
