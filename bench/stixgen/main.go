// Command stixgen writes a STIX 2.1 bundle of N generated objects shaped
// like MITRE ATT&CK's (attack-patterns, malware, intrusion-sets, courses
// of action with long descriptions and external references, and the
// relationships between them, all under one statement marking), for the
// import and TAXII benchmarks. The output is deterministic for a seed.
//
//	go run ./bench/stixgen -n 1000000 > /tmp/big.json
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 100000, "number of objects")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := generate(bufio.NewWriterSize(os.Stdout, 1<<20), *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "stixgen:", err)
		os.Exit(1)
	}
}

const markingID = "marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"
const identityID = "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5"

var words = strings.Fields(`adversary may use technique access credential lateral movement
persistence execution command control network protocol industrial controller engineering workstation
firmware safety instrumented system operator interface historian remote service exploitation
valid accounts spearphishing attachment scripting wireless compromise modify parameter block
reporting message denial view loss manipulation control alarm suppression program download`)

type gen struct {
	w   *bufio.Writer
	rng *rand.Rand
	t0  time.Time
}

func (g *gen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (g *gen) text(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[g.rng.IntN(len(words))])
	}
	return b.String()
}

func (g *gen) ts() string {
	return g.t0.Add(time.Duration(g.rng.Int64N(int64(5 * 365 * 24 * time.Hour)))).UTC().Format("2006-01-02T15:04:05.000Z")
}

func generate(w *bufio.Writer, n int, seed uint64) error {
	g := &gen{w: w, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), t0: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}
	fmt.Fprintf(w, `{"type":"bundle","id":"bundle--%s","objects":[`, g.uuid())
	fmt.Fprintf(w, `{"type":"marking-definition","id":%q,"spec_version":"2.1","created":"2017-06-01T00:00:00.000Z","created_by_ref":%q,"definition_type":"statement","definition":{"statement":"Copyright, generated for benchmarks."}}`, markingID, identityID)
	fmt.Fprintf(w, `,{"type":"identity","id":%q,"spec_version":"2.1","created":"2017-06-01T00:00:00.000Z","modified":"2017-06-01T00:00:00.000Z","name":"Benchmark Corp","identity_class":"organization","object_marking_refs":[%q]}`, identityID, markingID)
	var sdos []string
	types := []string{"attack-pattern", "attack-pattern", "malware", "intrusion-set", "course-of-action"}
	for i := 2; i < n; i++ {
		w.WriteByte(',')
		if len(sdos) > 10 && g.rng.IntN(4) < 3 {
			src, dst := sdos[g.rng.IntN(len(sdos))], sdos[g.rng.IntN(len(sdos))]
			created := g.ts()
			fmt.Fprintf(w, `{"type":"relationship","id":"relationship--%s","spec_version":"2.1","created":%q,"modified":%q,"created_by_ref":%q,"relationship_type":"uses","source_ref":%q,"target_ref":%q,"description":%q,"external_references":[{"source_name":"bench","url":"https://example.org/r/%d","description":%q}],"object_marking_refs":[%q],"x_mitre_version":"1.0"}`,
				g.uuid(), created, created, identityID, src, dst, g.text(40), i, g.text(8), markingID)
			continue
		}
		typ := types[g.rng.IntN(len(types))]
		id := typ + "--" + g.uuid()
		if len(sdos) < 5000 {
			sdos = append(sdos, id)
		} else {
			sdos[g.rng.IntN(len(sdos))] = id
		}
		created := g.ts()
		extra := ""
		switch typ {
		case "attack-pattern":
			extra = fmt.Sprintf(`,"kill_chain_phases":[{"kill_chain_name":"mitre-ics-attack","phase_name":%q}],"x_mitre_platforms":["None"],"x_mitre_detection":%q`, g.text(1), g.text(30))
		case "malware":
			extra = `,"is_family":true`
		case "intrusion-set":
			extra = fmt.Sprintf(`,"aliases":[%q]`, g.text(2))
		}
		fmt.Fprintf(w, `{"type":%q,"id":%q,"spec_version":"2.1","created":%q,"modified":%q,"created_by_ref":%q,"name":%q,"description":%q,"external_references":[{"source_name":"mitre-attack","external_id":"T%04d","url":"https://attack.mitre.org/techniques/T%04d"},{"source_name":"bench","description":%q}],"object_marking_refs":[%q],"x_mitre_version":"1.0","x_mitre_domains":["ics-attack"]%s}`,
			typ, id, created, created, identityID, g.text(3), g.text(150), i%10000, i%10000, g.text(12), markingID, extra)
	}
	w.WriteString("]}\n")
	return w.Flush()
}
