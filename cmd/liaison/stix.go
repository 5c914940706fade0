package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/misp"
	"github.com/liaison-dev/liaison/stix"
)

// withDesk runs fn with the desk of a data directory and the officer to
// act as (--as, or the home admin), for commands that work only on a data
// directory (import, export, taxii pull).
func (a *app) withDesk(cmd *cobra.Command, fn func(ctx context.Context, d *desk.Desk, o *liaison.Officer, dir string) error) error {
	ctx := cmd.Context()
	t, err := a.target(cmd)
	if err != nil {
		return err
	}
	if t.server != "" {
		return usagef(cmd, "%s works on a data directory (--data DIR); against a server, use its TAXII 2.1 API under /taxii2/", cmd.CommandPath())
	}
	return a.onData(ctx, t, func(d *desk.Desk, o *liaison.Officer) error { return fn(ctx, d, o, t.data) })
}

// isTerminal reports whether w is a terminal, for progress bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// importFlags are the options of import and taxii pull.
type importFlags struct {
	origin         string
	defaultMarking string
	validate       bool
}

func (f *importFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.origin, "origin", "", "`ORG` the objects come from, their originator for the third-party rule (default: the home organisation)")
	fl.StringVar(&f.defaultMarking, "default-marking", desk.DefaultImportMarking, "`BANNER` for reports that carry no marking (they become products, which need one)")
	fl.BoolVar(&f.validate, "validate", false, "also validate every object against the OASIS STIX 2.1 JSON schemas (slower)")
}

func (f *importFlags) options(source string) desk.ImportOptions {
	return desk.ImportOptions{Origin: f.origin, DefaultMarking: f.defaultMarking, Validate: f.validate, Source: source}
}

// importRun gathers what an import printed and counted.
type importRun struct {
	im       *desk.Importer
	rejected []desk.ImportResult
	files    []string
}

func (a *app) importCommand() *cobra.Command {
	var flags importFlags
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import STIX 2.1 bundles, MISP events and MISP feeds into a node",
		Long: `Import STIX 2.1 objects into the node's store, streaming: a file of any size
is read in constant memory. Each FILE is one of
  - a STIX 2.1 bundle (or a TAXII envelope, a JSON array of objects, or one object);
  - a MISP event in MISP's JSON format ({"Event": …}), or a list of them;
  - a directory holding a MISP feed (manifest.json and one <uuid>.json per event);
  - "-" for standard input (STIX or MISP).

The import is idempotent: an object with the same id and modified time as one
held is counted as held already; a newer modified is a new version. Reports
become products (or new versions of them), marked by their own markings —
TLP 2.0 and 1.0, liaison's own extension, MISP distribution levels and tags —
which the policy then enforces: TLP:RED, for one, never leaves the node.
Objects travel to a partner only with a product disseminated to it.

One bad object never stops an import: it is rejected with its reason and
the rest go on. The output lists what was stored by type and every rejected
object; the last line gives the total imported. A progress bar shows on a
terminal.`,
		Example: `  liaison import --data ./node enterprise-attack.json
  liaison import --data ./node --origin de-bfv bfv-feed.json
  liaison import --data ./node ./misp-feed/ event.json
  curl -s https://example.org/bundle.json | liaison import --data ./node -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef(cmd, "missing FILE: name one or more bundles, MISP events or feed directories")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(ctx context.Context, d *desk.Desk, o *liaison.Officer, _ string) error {
				im, err := d.NewImporter(ctx, o, flags.options(strings.Join(args, ", ")))
				if err != nil {
					return err
				}
				run := &importRun{im: im, files: args}
				im.OnResult(func(r desk.ImportResult) {
					if r.Err != nil {
						run.rejected = append(run.rejected, r)
					}
				})
				for _, f := range args {
					if err := a.importFile(ctx, im, f); err != nil {
						return err
					}
				}
				if err := im.Close(ctx); err != nil {
					return err
				}
				return a.printImport(run)
			})
		},
	}
	flags.add(cmd)
	return cmd
}

// importFile imports one FILE argument.
func (a *app) importFile(ctx context.Context, im *desk.Importer, name string) error {
	if name == "-" {
		return a.importStream(ctx, im, "standard input", a.stdin, -1)
	}
	info, err := os.Stat(name)
	if err != nil {
		return invalidf("import %s: %v", name, err)
	}
	if info.IsDir() {
		return a.importFeed(ctx, im, name)
	}
	f, err := os.Open(name)
	if err != nil {
		return invalidf("import %s: %v", name, err)
	}
	defer f.Close()
	return a.importStream(ctx, im, name, f, info.Size())
}

// importStream imports a STIX document or MISP events from r, telling them
// apart by their first bytes.
func (a *app) importStream(ctx context.Context, im *desk.Importer, name string, r io.Reader, size int64) error {
	var bar *progressbar.ProgressBar
	if isTerminal(a.stderr) {
		bar = progressbar.NewOptions64(size,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription(filepath.Base(name)),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionThrottle(100_000_000),
			progressbar.OptionClearOnFinish(),
		)
		defer bar.Finish()
		pr := progressbar.NewReader(r, bar)
		r = &pr
	}
	br := bufio.NewReaderSize(r, 1<<20)
	head, _ := br.Peek(64 << 10)
	if misp.LooksLikeEvent(head) {
		events, err := misp.ReadEvents(br)
		if err != nil {
			im.Reject(liaison.Errorf(liaison.EINVALID, "%s: %v", name, err))
			return nil
		}
		for _, e := range events {
			if err := importEvent(ctx, im, e); err != nil {
				return err
			}
		}
		return nil
	}
	sr := stix.NewReader(br)
	batch := make([]json.RawMessage, 0, 256)
	for {
		raw, err := sr.Next()
		if err == io.EOF {
			break
		}
		var oe *stix.ObjectError
		switch {
		case errors.As(err, &oe):
			im.Reject(liaison.Errorf(liaison.EINVALID, "%s: %v", name, oe))
			continue
		case err != nil:
			// The stream is broken from here: what came before stays
			// imported, and the error is reported as a rejection.
			if ferr := im.Add(ctx, batch); ferr != nil {
				return ferr
			}
			im.Reject(liaison.Errorf(liaison.EBADJSON, "%s: %v", name, err))
			return nil
		}
		batch = append(batch, raw)
		if len(batch) == cap(batch) {
			if err := im.Add(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return im.Add(ctx, batch)
}

// importEvent imports the STIX objects of one MISP event.
func importEvent(ctx context.Context, im *desk.Importer, e *misp.Event) error {
	objs, err := e.STIX(misp.Options{})
	if err != nil {
		im.Reject(liaison.Errorf(liaison.EINVALID, "MISP event %s: %v", e.UUID, err))
		return nil
	}
	return im.Add(ctx, objs)
}

// importFeed imports a MISP feed directory.
func (a *app) importFeed(ctx context.Context, im *desk.Importer, dir string) error {
	fsys := os.DirFS(dir)
	if _, err := fs.Stat(fsys, "manifest.json"); err != nil {
		return invalidf("import %s: a directory must be a MISP feed, with a manifest.json", dir)
	}
	for e, err := range misp.ReadFeed(fsys) {
		if err != nil {
			im.Reject(liaison.Errorf(liaison.EINVALID, "feed %s: %v", dir, err))
			continue
		}
		if err := importEvent(ctx, im, e); err != nil {
			return err
		}
	}
	return nil
}

// printImport prints an import's counts, its rejections and, last, the
// total imported.
func (a *app) printImport(run *importRun) error {
	rep := run.im.Report()
	imported := rep.Stored + rep.Duplicates
	type rejection struct {
		Index  int    `json:"index"`
		ID     string `json:"id,omitempty"`
		Reason string `json:"reason"`
	}
	rejects := make([]rejection, 0, len(run.rejected))
	for _, r := range run.rejected {
		rejects = append(rejects, rejection{Index: r.Index, ID: r.ID, Reason: errorMessage(r.Err)})
	}
	out := struct {
		desk.ImportReport
		Imported  int         `json:"imported"`
		Rejection []rejection `json:"rejections"`
	}{rep, imported, rejects}
	var ids []string
	return a.out.emit(out, ids, func(w io.Writer) {
		types := make([]string, 0, len(rep.ByType))
		for t := range rep.ByType {
			types = append(types, t)
		}
		slices.Sort(types)
		if len(types) > 0 {
			fmt.Fprintf(w, "%-32s %s\n", "TYPE", "STORED")
			for _, t := range types {
				fmt.Fprintf(w, "%-32s %d\n", t, rep.ByType[t])
			}
		}
		for _, r := range rejects {
			id := r.ID
			if id == "" {
				id = "-"
			}
			fmt.Fprintf(w, "rejected #%d %s: %s\n", r.Index, id, r.Reason)
		}
		fmt.Fprintf(w, "products: %d new product versions from reports\n", rep.Products)
		fmt.Fprintf(w, "imported %d objects (%d new, %d held already), %d rejected\n",
			imported, rep.Stored, rep.Duplicates, rep.Rejected)
	})
}

// errorMessage is an error's message without the code's decoration.
func errorMessage(err error) string {
	var e *liaison.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func (a *app) exportCommand() *cobra.Command {
	var to, file string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write what the node holds, or what a partner may receive, as a STIX 2.1 bundle",
		Long: `Write a STIX 2.1 bundle, streaming, of every version of every object in a
collection: with --to ORG, the partner's collection — what was disseminated
to it with its products, and what it gave — which is exactly what it may
receive; without, everything the node holds up to your clearance. Objects
are written byte for byte as they were received, so that importing the
bundle elsewhere loses nothing, markings included.`,
		Example: `  liaison export --data ./node --to de-bfv > for-bfv.json
  liaison export --data ./node --file holdings.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDesk(cmd, func(ctx context.Context, d *desk.Desk, o *liaison.Officer, _ string) error {
				n, err := d.Node(ctx)
				if err != nil {
					return err
				}
				org := to
				if org == "" {
					org = n.HomeOrg
				}
				svc := d.Objects(o)
				coll, err := svc.Collection(ctx, desk.CollectionID(n.ID, org))
				if err != nil {
					return fmt.Errorf("export for %s: %w", org, err)
				}
				w := a.stdout
				if file != "" && file != "-" {
					f, err := os.Create(file)
					if err != nil {
						return invalidf("export: %v", err)
					}
					defer f.Close()
					w = f
				}
				bw := bufio.NewWriterSize(w, 1<<20)
				bundle := stix.NewBundleWriter(bw, stix.NewBundleID())
				count := 0
				q := liaison.ObjectQuery{Collection: coll.ID, Versions: liaison.VersionMatch{All: true}, Limit: liaison.MaxObjectPage}
				for {
					page, err := svc.Objects(ctx, q)
					if err != nil {
						return err
					}
					for _, obj := range page.Objects {
						if err := bundle.Write(obj.Raw); err != nil {
							return fmt.Errorf("export: %w", err)
						}
						count++
					}
					if !page.More {
						break
					}
					q.Next = page.Next
				}
				if err := bundle.Close(); err != nil {
					return fmt.Errorf("export: %w", err)
				}
				if err := bw.Flush(); err != nil {
					return fmt.Errorf("export: %w", err)
				}
				if f, ok := w.(*os.File); ok && f != a.stdout {
					// A file not closed cleanly is not written.
					if err := f.Close(); err != nil {
						return fmt.Errorf("export: %w", err)
					}
					fmt.Fprintf(a.stderr, "exported %d objects to %s\n", count, file)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the partner `ORG` whose collection to write (default: everything the node holds)")
	cmd.Flags().StringVarP(&file, "file", "f", "", "write to `FILE` instead of standard output")
	return cmd
}
