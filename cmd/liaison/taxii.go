package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/taxii"
)

// cursorsFile keeps, in a node's data directory, where each pulled TAXII
// collection stands.
const cursorsFile = "taxii-cursors.json"

func (a *app) taxiiCommand() *cobra.Command {
	cmd := group("taxii", "Pull from TAXII 2.1 servers",
		`liaison serves TAXII 2.1 itself under /taxii2/ (see liaison serve); these
commands are its client side, for reading other servers.`)
	cmd.AddCommand(a.taxiiPullCommand())
	return cmd
}

func (a *app) taxiiPullCommand() *cobra.Command {
	var flags importFlags
	var collection, user, password, bearer string
	var limit int
	var restart, insecureHTTP bool
	cmd := &cobra.Command{
		Use:   "pull URL --collection ID",
		Short: "Import a collection of a TAXII 2.1 server, resuming where the last pull stopped",
		Long: `Read every object version of a TAXII 2.1 collection, page by page, and import it
as liaison import does (idempotent; reports become products; markings are
honoured). URL is the server's API root (e.g. https://taxii.example.org/api1/),
or its discovery URL (…/taxii2/), whose default API root is then used.

Where each collection stands is kept in the data directory (taxii-cursors.json)
after every page, so that a pull that stops — interrupted, or the server gone —
resumes from the last page it completed. --restart starts from the beginning.

Credentials: --user with --password for HTTP Basic, or --bearer for a token;
also from LIAISON_TAXII_USER, LIAISON_TAXII_PASSWORD and LIAISON_TAXII_TOKEN.`,
		Example: `  liaison taxii pull --data ./node https://cti.example.org/taxii2/api1/ --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116
  LIAISON_TAXII_TOKEN=... liaison taxii pull --data ./node --origin de-bfv https://bfv.example/taxii2/liaison/ --collection de-bfv`,
		Args: exactArgs("URL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := required(cmd, "collection"); err != nil {
				return err
			}
			if user == "" {
				user = a.getenv("LIAISON_TAXII_USER")
			}
			if password == "" {
				password = a.getenv("LIAISON_TAXII_PASSWORD")
			}
			if bearer == "" {
				bearer = a.getenv("LIAISON_TAXII_TOKEN")
			}
			if user != "" && bearer != "" {
				return usagef(cmd, "give either --user/--password or --bearer, not both")
			}
			c := &taxii.Client{HTTP: &http.Client{Timeout: clientTimeout}, Username: user, Password: password,
				Token: bearer, PageLimit: limit, AllowHTTP: insecureHTTP}
			return a.withDesk(cmd, func(ctx context.Context, d *desk.Desk, o *liaison.Officer, dir string) error {
				return a.pull(ctx, c, d, o, dir, args[0], collection, flags, restart)
			})
		},
	}
	flags.add(cmd)
	f := cmd.Flags()
	f.StringVar(&collection, "collection", "", "the collection's `ID` (or alias) on the server")
	f.StringVar(&user, "user", "", "`USER` for HTTP Basic authentication")
	f.StringVar(&password, "password", "", "`PASSWORD` for HTTP Basic authentication (prefer LIAISON_TAXII_PASSWORD)")
	f.StringVar(&bearer, "bearer", "", "bearer `TOKEN` (prefer LIAISON_TAXII_TOKEN)")
	f.IntVar(&limit, "limit", 1000, "objects to ask for per page")
	f.BoolVar(&restart, "restart", false, "start from the beginning of the collection, not where the last pull stopped")
	f.BoolVar(&insecureHTTP, "insecure-http", false, "allow plain http to hosts other than loopback (credentials travel in clear)")
	return cmd
}

// pull imports a collection from a TAXII server.
func (a *app) pull(ctx context.Context, c *taxii.Client, d *desk.Desk, o *liaison.Officer, dir, rawURL, collection string, flags importFlags, restart bool) error {
	root := strings.TrimRight(rawURL, "/") + "/"
	if strings.HasSuffix(root, "/taxii2/") {
		disc, err := c.Discovery(ctx, root)
		if err != nil {
			return fmt.Errorf("taxii pull: discovery: %w", err)
		}
		if disc.Default == "" {
			return invalidf("taxii pull: %s names no default API root; give an API root URL (one of %s)", root, strings.Join(disc.APIRoots, ", "))
		}
		root = disc.Default
	}
	collURL, err := taxii.CollectionURL(root, collection)
	if err != nil {
		return invalidf("taxii pull: %v", err)
	}
	cursors, err := readCursors(dir)
	if err != nil {
		return err
	}
	from := taxii.Cursor{}
	if !restart {
		from = cursors[collURL]
	}
	im, err := d.NewImporter(ctx, o, flags.options("TAXII "+collURL))
	if err != nil {
		return err
	}
	run := &importRun{im: im, files: []string{collURL}}
	im.OnResult(func(r desk.ImportResult) {
		if r.Err != nil {
			run.rejected = append(run.rejected, r)
		}
	})
	var bar *progressbar.ProgressBar
	if isTerminal(a.stderr) {
		bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription("pulling"), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish())
		defer bar.Finish()
	}
	_, perr := c.Pull(ctx, collURL, from, func(objects []json.RawMessage, next taxii.Cursor) error {
		if err := im.Add(ctx, objects); err != nil {
			return err
		}
		// The cursor moves only past objects that are settled: flush now,
		// and keep the old cursor while some wait for a marking-definition
		// of a later page.
		if err := im.Flush(ctx); err != nil {
			return err
		}
		if bar != nil {
			bar.Add(len(objects))
		}
		if im.Pending() > 0 {
			return nil
		}
		cursors[collURL] = next
		return writeCursors(dir, cursors)
	})
	if err := im.Close(ctx); err != nil && perr == nil {
		perr = err
	}
	if perr != nil {
		// What was pulled stays pulled; say so before the error.
		rep := im.Report()
		fmt.Fprintf(a.stderr, "pulled %d objects before stopping; the next pull resumes from there\n", rep.Stored+rep.Duplicates)
		return fmt.Errorf("taxii pull: %w", perr)
	}
	return a.printImport(run)
}

// readCursors reads the data directory's pull cursors (none when absent).
func readCursors(dir string) (map[string]taxii.Cursor, error) {
	b, err := os.ReadFile(filepath.Join(dir, cursorsFile))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]taxii.Cursor{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", cursorsFile, err)
	}
	m := map[string]taxii.Cursor{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read %s: %w", cursorsFile, err)
	}
	return m, nil
}

// writeCursors replaces the data directory's pull cursors atomically.
func writeCursors(dir string, m map[string]taxii.Cursor) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, cursorsFile+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", cursorsFile, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, strings.NewReader(string(b)+"\n")); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", cursorsFile, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", cursorsFile, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", cursorsFile, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, cursorsFile)); err != nil {
		return fmt.Errorf("write %s: %w", cursorsFile, err)
	}
	return nil
}
