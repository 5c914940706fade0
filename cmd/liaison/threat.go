package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/liaison-dev/liaison"
)

func (a *app) prioritiesCommand() *cobra.Command {
	cmd := group("priorities", "Record and show organisations' ranked threat priorities",
		`Each organisation ranks the threats it works on: its threat priorities, a
list of topics from rank 1 (the highest) down. Partners that rank threats
differently expect different things of each other; those that share high
priorities but exchange little on them have an opportunity.

A list is set as a whole and replaces the previous one, which the node
keeps as history. An organisation's administrators and liaison officers
set its own; the node's administrators set any organisation's (what a
partner told of its priorities). The home organisation's officers read
every organisation's; a partner's officers only their own.`)
	cmd.AddCommand(a.prioritiesShowCommand(), a.prioritiesSetCommand())
	return cmd
}

func (a *app) prioritiesShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show [ORG_ID]",
		Short: "Show an organisation's threat priorities",
		Long: `Show an organisation's current threat priorities by rank, or, without
ORG_ID, those of every organisation you may read. -o json prints them as
a list that 'priorities set --file' takes back; -o id prints the topics.`,
		Example: `  liaison priorities show nl-aivd
  liaison priorities show es-cni -o json > es-cni.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			org := ""
			if len(args) == 1 {
				org = args[0]
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				ps, err := s.ThreatPriorities(ctx, org)
				if err != nil {
					return err
				}
				return a.emitPriorities(ps)
			})
		},
	}
}

func (a *app) prioritiesSetCommand() *cobra.Command {
	var (
		notes []string
		file  string
		clear bool
	)
	cmd := &cobra.Command{
		Use:   "set ORG_ID (TOPIC... | --file FILE | --clear) [--note TOPIC=TEXT]...",
		Short: "Set an organisation's threat priorities, replacing them",
		Long: `Set an organisation's threat priorities as a whole: the topics in rank
order, the first ranked 1. The list replaces the current one (kept as
history) and is recorded in the audit chain. A topic is a slug as used by
agreements and products, e.g. counter-terrorism or russia, and may appear
once. --file reads a list as 'priorities show -o json' prints it (- for
stdin), ranks included; --clear sets an empty list.`,
		Example: `  liaison priorities set nl-aivd counter-terrorism russia hybrid-threats cyber \
      --note russia="state actors and their proxies"
  liaison priorities set es-cni --file es-cni.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef(cmd, "missing ORG_ID")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			org, topics := args[0], args[1:]
			given := 0
			for _, b := range []bool{len(topics) > 0, file != "", clear} {
				if b {
					given++
				}
			}
			if given != 1 {
				return usagef(cmd, "give the topics in rank order, or --file FILE, or --clear (one of them)")
			}
			var ps []liaison.ThreatPriority
			switch {
			case file != "":
				if err := a.readJSONList("file", file, &ps); err != nil {
					return err
				}
			default:
				for _, t := range topics {
					ps = append(ps, liaison.ThreatPriority{Topic: t})
				}
			}
			for _, n := range notes {
				topic, text, ok := strings.Cut(n, "=")
				topic = strings.ToLower(strings.TrimSpace(topic))
				i := -1
				for j := range ps {
					if strings.ToLower(strings.TrimSpace(ps[j].Topic)) == topic {
						i = j
					}
				}
				if !ok || i < 0 {
					return invalidf("--note %q: use TOPIC=TEXT for a topic of the list", n)
				}
				ps[i].Note = text
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				out, err := s.SetThreatPriorities(ctx, org, ps)
				if err != nil {
					return err
				}
				return a.emitPriorities(out)
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&notes, "note", nil, "a note on a topic, `TOPIC=TEXT` (repeatable)")
	f.StringVar(&file, "file", "", "read the list from `FILE`, JSON as 'show -o json' prints it (- for stdin)")
	f.BoolVar(&clear, "clear", false, "set an empty list: the organisation ranks no threats")
	return cmd
}

// emitPriorities prints threat priorities by organisation and rank.
func (a *app) emitPriorities(ps []*liaison.ThreatPriority) error {
	ids := idsOf(ps, func(p *liaison.ThreatPriority) string { return p.Topic })
	if manyOrgs(ps, func(p *liaison.ThreatPriority) string { return p.OrgID }) {
		ids = idsOf(ps, func(p *liaison.ThreatPriority) string { return p.OrgID + "/" + p.Topic })
	}
	return a.out.emit(ps, ids, func(w io.Writer) {
		row(w, "ORG", "RANK", "TOPIC", "NOTE", "SET BY", "SET AT")
		for _, p := range ps {
			row(w, p.OrgID, strconv.Itoa(p.Rank), p.Topic, trunc(orDash(p.Note), 40), p.SetBy, stamp(p.SetAt))
		}
	})
}

func (a *app) coverageCommand() *cobra.Command {
	cmd := group("coverage", "Record and show what organisations can collect, by topic and discipline",
		`Each organisation's coverage says how well it can collect on a topic by
each discipline (`+disciplineList()+`),
on a scale from 0 (none) through 1 (limited) and 2 (moderate) to 3
(strong). It answers whom to ask about a topic.

Coverage is set as a whole and replaces the previous set, which the node
keeps as history; who may set and read it is as for priorities.`)
	cmd.AddCommand(a.coverageShowCommand(), a.coverageSetCommand())
	return cmd
}

func (a *app) coverageShowCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show [ORG_ID]",
		Short: "Show an organisation's coverage",
		Long: `Show an organisation's current coverage by topic and discipline, or,
without ORG_ID, that of every organisation you may read. -o json prints
it as a list that 'coverage set --file' takes back; -o id prints
TOPIC:DISCIPLINE:CAPABILITY.`,
		Example: `  liaison coverage show pl-abw
  liaison coverage show -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			org := ""
			if len(args) == 1 {
				org = args[0]
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				cs, err := s.Coverage(ctx, org)
				if err != nil {
					return err
				}
				return a.emitCoverage(cs)
			})
		},
	}
}

func (a *app) coverageSetCommand() *cobra.Command {
	var (
		covers []string
		file   string
		clear  bool
	)
	cmd := &cobra.Command{
		Use:   "set ORG_ID (--cover TOPIC:DISCIPLINE:CAPABILITY[:NOTE]... | --file FILE | --clear)",
		Short: "Set an organisation's coverage, replacing it",
		Long: `Set an organisation's coverage as a whole: one --cover per topic and
discipline, with a capability 0-3 or none, limited, moderate, strong, and
an optional note. The set replaces the current one (kept as history) and
is recorded in the audit chain. --file reads a set as 'coverage show -o
json' prints it (- for stdin); --clear sets an empty one.`,
		Example: `  liaison coverage set pl-abw --cover russia:HUMINT:strong --cover russia:OSINT:3 \
      --cover cyber:CYBINT:2:"state-sponsored intrusion sets"
  liaison coverage set es-cni --file es-cni-coverage.json`,
		Args: exactArgs("ORG_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			given := 0
			for _, b := range []bool{len(covers) > 0, file != "", clear} {
				if b {
					given++
				}
			}
			if given != 1 {
				return usagef(cmd, "give --cover TOPIC:DISCIPLINE:CAPABILITY (repeatable), or --file FILE, or --clear (one of them)")
			}
			var cs []liaison.Coverage
			if file != "" {
				if err := a.readJSONList("file", file, &cs); err != nil {
					return err
				}
			}
			for _, c := range covers {
				parsed, err := parseCover(c)
				if err != nil {
					return err
				}
				cs = append(cs, parsed)
			}
			return a.withService(cmd, func(ctx context.Context, s liaison.Service) error {
				out, err := s.SetCoverage(ctx, args[0], cs)
				if err != nil {
					return err
				}
				return a.emitCoverage(out)
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&covers, "cover", nil, "coverage of a topic by a discipline, `TOPIC:DISCIPLINE:CAPABILITY[:NOTE]` (repeatable)")
	f.StringVar(&file, "file", "", "read the set from `FILE`, JSON as 'show -o json' prints it (- for stdin)")
	f.BoolVar(&clear, "clear", false, "set an empty set: the organisation covers nothing")
	return cmd
}

// parseCover reads one --cover value: TOPIC:DISCIPLINE:CAPABILITY[:NOTE].
func parseCover(s string) (liaison.Coverage, error) {
	parts := strings.SplitN(s, ":", 4)
	if len(parts) < 3 {
		return liaison.Coverage{}, invalidf("--cover %q: use TOPIC:DISCIPLINE:CAPABILITY[:NOTE], e.g. russia:SIGINT:3", s)
	}
	d, err := liaison.ParseDiscipline(parts[1])
	if err != nil {
		return liaison.Coverage{}, invalidf("--cover %q: %s", s, liaison.ErrorMessage(err))
	}
	c, err := liaison.ParseCapability(parts[2])
	if err != nil {
		return liaison.Coverage{}, invalidf("--cover %q: %s", s, liaison.ErrorMessage(err))
	}
	out := liaison.Coverage{Topic: parts[0], Discipline: d, Capability: c}
	if len(parts) == 4 {
		out.Note = parts[3]
	}
	return out, nil
}

// emitCoverage prints coverage by organisation, topic and discipline.
func (a *app) emitCoverage(cs []*liaison.Coverage) error {
	id := func(c *liaison.Coverage) string {
		return fmt.Sprintf("%s:%s:%d", c.Topic, c.Discipline, c.Capability)
	}
	ids := idsOf(cs, id)
	if manyOrgs(cs, func(c *liaison.Coverage) string { return c.OrgID }) {
		ids = idsOf(cs, func(c *liaison.Coverage) string { return c.OrgID + "/" + id(c) })
	}
	return a.out.emit(cs, ids, func(w io.Writer) {
		row(w, "ORG", "TOPIC", "DISCIPLINE", "CAPABILITY", "NOTE", "SET BY", "SET AT")
		for _, c := range cs {
			row(w, c.OrgID, c.Topic, string(c.Discipline), fmt.Sprintf("%d %s", c.Capability, liaison.CapabilityName(c.Capability)),
				trunc(orDash(c.Note), 40), c.SetBy, stamp(c.SetAt))
		}
	})
}

// manyOrgs reports whether records belong to more than one organisation.
func manyOrgs[T any](items []T, org func(T) string) bool {
	for _, it := range items {
		if org(it) != org(items[0]) {
			return true
		}
	}
	return false
}

// disciplineList names the disciplines, comma-separated.
func disciplineList() string {
	names := make([]string, len(liaison.Disciplines))
	for i, d := range liaison.Disciplines {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}

// readJSONList reads a JSON list from the file name (- for stdin) given in
// flag into v: a bare array, as -o json prints, or the API's {"items": …}.
func (a *app) readJSONList(flag, name string, v any) error {
	var r io.Reader
	if name == "-" {
		r = a.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return &liaison.Error{Code: liaison.EINVALID, Message: fmt.Sprintf("--%s: %v", flag, err), Err: err}
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return &liaison.Error{Code: liaison.EINVALID, Message: fmt.Sprintf("--%s %s: %v", flag, name, err), Err: err}
	}
	if len(b) > maxBody {
		return liaison.Errorf(liaison.ETOOLARGE, "--%s %s: longer than %d bytes", flag, name, maxBody)
	}
	b = bytes.TrimSpace(b)
	if bytes.HasPrefix(b, []byte("{")) {
		var wrapped struct {
			Items json.RawMessage `json:"items"`
		}
		if err := strictJSON(b, &wrapped); err != nil {
			return &liaison.Error{Code: liaison.EINVALID, Message: fmt.Sprintf("--%s %s: %v", flag, name, err), Err: err}
		}
		b = wrapped.Items
	}
	if err := strictJSON(b, v); err != nil {
		return &liaison.Error{Code: liaison.EINVALID, Message: fmt.Sprintf("--%s %s: not a JSON list of entries: %v", flag, name, err), Err: err}
	}
	return nil
}

// strictJSON decodes b into v, refusing fields v does not have.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
