package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

// maxBody bounds a body read from a file or stdin.
const maxBody = 16 << 20

func (a *app) productCommand() *cobra.Command {
	cmd := group("product", "Write, read and weigh intelligence products",
		`Intelligence products are versioned, never overwritten: a change is a new
version. Each carries a marking (classification and caveats, written as a
banner such as "SECRET UE//ORCON"), topics, an Admiralty grading and its
provenance, which travels with it under the third-party rule.`)
	cmd.AddCommand(
		a.productCreateCommand(),
		a.productListCommand(),
		a.productShowCommand(),
		a.productVersionsCommand(),
		a.productDecideCommand(),
	)
	return cmd
}

func (a *app) productCreateCommand() *cobra.Command {
	var (
		d              liaison.ProductDraft
		body, bodyFile string
		topics         []string
	)
	cmd := &cobra.Command{
		Use:   "create --title TITLE (--body TEXT | --body-file FILE) --topics T,... --marking BANNER [flags]",
		Short: "Write a product, a new version of one, or a tear-line",
		Long: `Write an intelligence product. The body is given with --body, or read from
--body-file (use - for stdin). The marking is a banner line: the
classification, then caveats separated by "//", e.g.
"SECRET UE//ORCON//REL TO DE, FR". Grading is the source's reliability
(A-F) and the information's credibility (1-6); F and 6 mean "cannot be
judged".

With --id the product becomes a new version of that product; with
--parent and --parent-version it is a sanitised tear-line derived from
that version, whose provenance it inherits.`,
		Example: `  liaison product create --title "Courier network in Brussels" --body-file report.txt \
      --topics terrorism --marking "SECRET UE//ORCON" --reliability B --credibility 2
  echo "Updated assessment" | liaison product create --id "$P" --title "Courier network" \
      --body-file - --topics terrorism --marking "SECRET UE//ORCON" -o id
  liaison product create --parent "$P" --parent-version 1 --title "Tear-line" \
      --body "A network is active." --topics terrorism --marking "RESTREINT UE"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := required(cmd, "title", "topics", "marking"); err != nil {
				return err
			}
			switch {
			case cmd.Flags().Changed("body") && cmd.Flags().Changed("body-file"):
				return usagef(cmd, "give either --body or --body-file, not both")
			case bodyFile != "":
				b, err := a.readBody(bodyFile)
				if err != nil {
					return err
				}
				d.Body = b
			default:
				d.Body = body
			}
			d.Topics = splitList(topics)
			if (d.ParentID == "") != (d.ParentVersion == 0) {
				return usagef(cmd, "a tear-line needs both --parent and --parent-version")
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				p, err := s.CreateProduct(ctx, d)
				if err != nil {
					return err
				}
				return a.out.emit(p, []string{p.ID}, func(w io.Writer) { productRecord(w, p) })
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&d.Title, "title", "", "the product's `TITLE` (required)")
	f.StringVar(&body, "body", "", "the product's `TEXT`")
	f.StringVar(&bodyFile, "body-file", "", "read the body from `FILE` (- for stdin)")
	f.StringArrayVar(&topics, "topics", nil, "`TOPICS`, comma-separated or repeated (required)")
	f.StringVar(&d.Marking, "marking", "", "the marking `BANNER`, e.g. \"SECRET UE//ORCON\" (required)")
	f.StringVar(&d.Reliability, "reliability", "F", "source reliability, `A-F`")
	f.StringVar(&d.Credibility, "credibility", "6", "information credibility, `1-6`")
	f.StringVar(&d.ID, "id", "", "make a new version of product `ID`")
	f.StringVar(&d.ParentID, "parent", "", "derive a tear-line from product `ID`")
	f.IntVar(&d.ParentVersion, "parent-version", 0, "the parent's `VERSION`")
	return cmd
}

// readBody reads a product body from a file or, for "-", from stdin.
func (a *app) readBody(name string) (string, error) {
	var r io.Reader
	if name == "-" {
		r = a.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return "", &liaison.Error{Code: liaison.EINVALID, Message: fmt.Sprintf("--body-file: %v", err), Err: err}
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return "", &liaison.Error{Code: liaison.EINVALID, Message: fmt.Sprintf("--body-file %s: %v", name, err), Err: err}
	}
	if len(b) > maxBody {
		return "", liaison.Errorf(liaison.ETOOLARGE, "--body-file %s: longer than %d bytes", name, maxBody)
	}
	return string(b), nil
}

func (a *app) productListCommand() *cobra.Command {
	var (
		q      liaison.ProductQuery
		before string
	)
	cmd := &cobra.Command{
		Use:   "list [--limit N] [--before TIME]",
		Short: "List the products you may see",
		Long: `List the newest version of every product your organisation holds and you
may read (cleared, with need-to-know), newest holding first. Page with
--before: the time the last product of the previous page was received.`,
		Example: `  liaison product list
  liaison product list --limit 20 -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if before != "" {
				t, err := parseDay("before", before)
				if err != nil {
					return err
				}
				q.Before = t
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				ps, err := s.Products(ctx, q)
				if err != nil {
					return err
				}
				return a.out.emit(ps, idsOf(ps, func(p *liaison.Product) string { return p.ID }), func(w io.Writer) { productTable(w, ps) })
			})
		},
	}
	cmd.Flags().IntVar(&q.Limit, "limit", 0, "at most `N` products (0: the server's default)")
	cmd.Flags().StringVar(&before, "before", "", "only products received before `TIME` (YYYY-MM-DD or RFC 3339)")
	return cmd
}

func (a *app) productShowCommand() *cobra.Command {
	var version int
	cmd := &cobra.Command{
		Use:   "show PRODUCT_ID [--version N]",
		Short: "Read a product",
		Long: `Read a product: its banner, grading, provenance and body. Without
--version, the newest version you hold. Reading is recorded in the audit
chain.`,
		Example: `  liaison product show "$P"
  liaison product show "$P" --version 1 -o json`,
		Args: exactArgs("PRODUCT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				p, err := s.Product(ctx, args[0], version)
				if err != nil {
					return err
				}
				if err := a.out.emit(p, []string{p.ID}, func(w io.Writer) { productRecord(w, p) }); err != nil {
					return err
				}
				if a.out.format == formatTable {
					// The body goes outside the tabwriter, which would
					// re-align any tabs in it.
					if _, err := fmt.Fprintf(a.stdout, "\n%s\n\n%s\n", strings.TrimRight(p.Body, "\n"), p.Marking.String()); err != nil {
						return fmt.Errorf("write product: %w", err)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "the `VERSION` to read (0: the newest)")
	return cmd
}

func (a *app) productVersionsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "versions PRODUCT_ID",
		Short: "List the versions of a product you may see",
		Long: `List every version of a product that you may read, oldest first. Versions
your organisation does not hold are left out. With -o id the version
numbers are printed, one per line.`,
		Example: `  liaison product versions "$P"`,
		Args:    exactArgs("PRODUCT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				newest, err := s.Product(ctx, args[0], 0)
				if err != nil {
					return err
				}
				// The Service has no call listing versions: read each in turn.
				var ps []*liaison.Product
				for v := 1; v < newest.Version; v++ {
					p, err := s.Product(ctx, args[0], v)
					if liaison.ErrorCode(err) == liaison.ENOTFOUND {
						continue
					}
					if err != nil {
						return err
					}
					ps = append(ps, p)
				}
				ps = append(ps, newest)
				return a.out.emit(ps, idsOf(ps, func(p *liaison.Product) string { return strconv.Itoa(p.Version) }), func(w io.Writer) {
					row(w, "VERSION", "TITLE", "BANNER", "GRADING", "BY", "CREATED")
					for _, p := range ps {
						row(w, strconv.Itoa(p.Version), trunc(p.Title, 40), p.Marking.String(), p.Grading(), orDash(p.OriginatorOfficer), day(p.CreatedAt))
					}
				})
			})
		},
	}
}

func (a *app) productDecideCommand() *cobra.Command {
	var (
		q      liaison.DecisionQuery
		action string
	)
	cmd := &cobra.Command{
		Use:   "decide PRODUCT_ID --action ACTION [--to ORG] [--agreement ID] [--new-marking BANNER]",
		Short: "Ask the policy whether an action on a product is allowed, without acting",
		Long: `Ask the policy about an action on a product and print the decision with
every reason, allowed or not. Nothing is done; the question is audited.
Actions: read, disseminate, forward (need --to), downgrade (needs
--new-marking), use_as_evidence. Exit status 0 either way; with -o id
only "allowed" or "denied" is printed.`,
		Example: `  liaison product decide "$P" --action forward --to de-bfv
  liaison product decide "$P" --action downgrade --new-marking "RESTREINT UE"`,
		Args: exactArgs("PRODUCT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := required(cmd, "action"); err != nil {
				return err
			}
			q.ProductID = args[0]
			q.Action = liaison.Action(action)
			if !q.Action.Valid() {
				return invalidf("--action %q: use read, disseminate, forward, downgrade or use_as_evidence", action)
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				d, err := s.Decide(ctx, q)
				if err != nil {
					return err
				}
				verdict := "denied"
				if d.Allowed {
					verdict = "allowed"
				}
				return a.out.emit(d, []string{verdict}, func(w io.Writer) {
					fmt.Fprintf(w, "%s: %s %s", strings.ToUpper(verdict), q.Action, q.ProductID)
					if q.To != "" {
						fmt.Fprintf(w, " to %s", q.To)
					}
					fmt.Fprintln(w)
					reasonTable(w, d.Reasons)
				})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&action, "action", "", "`ACTION`: read, disseminate, forward, downgrade or use_as_evidence (required)")
	f.StringVar(&q.To, "to", "", "the recipient organisation `ID` (disseminate, forward)")
	f.StringVar(&q.AgreementID, "agreement", "", "under agreement `ID` (default: the best one in force)")
	f.StringVar(&q.NewMarking, "new-marking", "", "the `BANNER` wanted (downgrade)")
	f.IntVar(&q.Version, "version", 0, "the `VERSION` (0: the newest you hold)")
	return cmd
}

// reasonTable writes policy reasons as a table.
func reasonTable(w io.Writer, reasons []liaison.Reason) {
	if len(reasons) == 0 {
		fmt.Fprintln(w, "(no reasons given)")
		return
	}
	row(w, "CODE", "REASON")
	for _, r := range reasons {
		row(w, r.Code, r.Message)
	}
}

// productTable writes products as a table.
func productTable(w io.Writer, ps []*liaison.Product) {
	row(w, "ID", "V", "TITLE", "BANNER", "ORIGIN", "GRADING", "TOPICS", "CREATED")
	for _, p := range ps {
		row(w, p.ID, strconv.Itoa(p.Version), trunc(p.Title, 40), p.Marking.String(), p.OriginatorOrg, p.Grading(), trunc(list(p.Topics), 30), day(p.CreatedAt))
	}
}

// productRecord writes a product's record vertically, under its banner.
func productRecord(w io.Writer, p *liaison.Product) {
	fmt.Fprintln(w, p.Marking.String())
	field(w, "ID", p.ID)
	field(w, "Version", strconv.Itoa(p.Version))
	field(w, "Title", p.Title)
	field(w, "Topics", list(p.Topics))
	field(w, "Grading", p.Grading())
	field(w, "Originator", strings.TrimSuffix(p.OriginatorOrg+" / "+p.OriginatorOfficer, " / "))
	if p.ParentID != "" {
		field(w, "Derived from", fmt.Sprintf("%s version %d", p.ParentID, p.ParentVersion))
	}
	field(w, "Origins", list(p.Origins))
	field(w, "Node", p.OriginNode)
	field(w, "Created", stamp(p.CreatedAt))
}
