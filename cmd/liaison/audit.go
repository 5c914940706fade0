package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

// codeAuditBroken is the code printed when the audit chain does not verify.
const codeAuditBroken = "audit_broken"

func (a *app) auditCommand() *cobra.Command {
	cmd := group("audit", "Read and verify the tamper-evident audit chain",
		`Every act on a node, allowed or refused, is an event in a hash-linked audit
chain. The home organisation's admins and auditors may read it and verify
that it is intact.`)
	cmd.AddCommand(a.auditVerifyCommand(), a.auditLogCommand())
	return cmd
}

func (a *app) auditVerifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Verify the audit chain; exit 0 only when it is intact",
		Long: `Walk the whole audit chain and check every link. Exit status 0 when it is
intact; otherwise status 1, with the first broken link named on stderr.`,
		Example: `  liaison audit verify --data ./node
  liaison audit verify --server http://127.0.0.1:8080 --token "$AUDITOR_TOKEN" -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				r, err := s.VerifyAudit(ctx)
				if err != nil {
					return err
				}
				status := "intact"
				if !r.OK() {
					status = "BROKEN"
				}
				err = a.out.emit(r, []string{r.Head}, func(w io.Writer) {
					field(w, "Chain", status)
					field(w, "Events", strconv.FormatInt(r.Events, 10))
					field(w, "Last seq", strconv.FormatInt(r.LastSeq, 10))
					field(w, "Head", orDash(r.Head))
				})
				if err != nil {
					return err
				}
				if !r.OK() {
					return liaison.Errorf(codeAuditBroken, "audit chain broken at event %d: %s", r.Broken.Seq, r.Broken.Reason)
				}
				return nil
			})
		},
	}
}

func (a *app) auditLogCommand() *cobra.Command {
	var (
		after int64
		limit int
	)
	cmd := &cobra.Command{
		Use:   "log [--after SEQ] [--limit N]",
		Short: "List audit events",
		Long: `List the audit events after sequence number --after, oldest first. Page
by passing the last sequence number printed as the next --after. With -o
id the sequence numbers are printed.`,
		Example: `  liaison audit log --limit 20
  liaison audit log --after 120 -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if after < 0 || limit < 0 {
				return invalidf("--after and --limit must not be negative")
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				es, err := s.AuditEvents(ctx, after, limit)
				if err != nil {
					return err
				}
				ids := idsOf(es, func(e *liaison.AuditEvent) string { return strconv.FormatInt(e.Seq, 10) })
				return a.out.emit(es, ids, func(w io.Writer) {
					row(w, "SEQ", "AT", "ACTOR", "ORG", "ACTION", "OBJECT", "TARGET", "ALLOWED", "HASH", "DETAIL")
					for _, e := range es {
						row(w, strconv.FormatInt(e.Seq, 10), stamp(e.At), e.Actor, orDash(e.ActorOrg), e.Action,
							orDash(e.Object), orDash(e.Target), allowedCell(e), shortHash(e.Hash), trunc(orDash(e.Detail), 40))
					}
				})
			})
		},
	}
	cmd.Flags().Int64Var(&after, "after", 0, "only events after sequence number `SEQ`")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most `N` events (the node caps it)")
	return cmd
}

// allowedCell says whether an event was allowed, with the first reason
// code of a refusal.
func allowedCell(e *liaison.AuditEvent) string {
	if e.Allowed {
		return "yes"
	}
	if len(e.Reasons) > 0 {
		return fmt.Sprintf("no (%s…)", e.Reasons[0].Code)
	}
	return "no"
}

// shortHash is the first 12 hex digits of a hash.
func shortHash(h []byte) string {
	s := hex.EncodeToString(h)
	if len(s) > 12 {
		s = s[:12]
	}
	return orDash(s)
}
