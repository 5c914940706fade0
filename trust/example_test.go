package trust_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/liaison-dev/liaison/trust"
)

// The wiring builds evidence with the constructors of a Config, adds it to
// an Engine and reads assessments, which carry their working.
func Example() {
	cfg := trust.DefaultConfig()
	e, err := trust.NewEngine(cfg)
	if err != nil {
		panic(err)
	}
	_ = e.SetMemberships("nl-aivd", []string{"EU", "NATO", "CLUB_OF_BERNE"})
	_ = e.SetMemberships("it-aisi", []string{"EU", "NATO", "CLUB_OF_BERNE"})

	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	var evs []trust.Evidence
	add := func(ev trust.Evidence, err error) {
		if err != nil {
			panic(err)
		}
		evs = append(evs, ev)
	}
	for week := range 40 {
		at := start.AddDate(0, 0, 7*week)
		add(cfg.Feedback("nl-aivd", "it-aisi", at, fmt.Sprint("fb-", week), 4))
		add(cfg.CaveatKept("nl-aivd", "it-aisi", at, fmt.Sprint("dis-", week)))
	}
	add(cfg.RFI("nl-aivd", "it-aisi", start.AddDate(0, 3, 0), "rfi-7", trust.RFIAnswered))
	add(cfg.Interaction("nl-aivd", "it-aisi", start.AddDate(0, 5, 0), "int-3",
		trust.InteractionFacts{Tone: 2, Minutes: 180, Parties: 2, Ties: []string{"nl-aivd/jan|it-aisi/lucia"}}))
	if err := e.AddAll(evs); err != nil {
		panic(err)
	}

	now := start.AddDate(0, 10, 0)
	before, _ := e.Assess("nl-aivd", "it-aisi", now)
	_ = e.Add(must(cfg.Breach("nl-aivd", "it-aisi", now.AddDate(0, 0, -3), "breach-1", "ORCON")))
	after, _ := e.Assess("nl-aivd", "it-aisi", now)
	trend, _ := e.Trend("nl-aivd", "it-aisi", now, trust.DefaultTrendWindow)

	fmt.Printf("before the breach: %.2f (uncertainty %.3f)\n", before.Projected, before.Overall.Uncertainty)
	fmt.Printf("after the breach:  %.2f, change over 90 days %+.2f\n", after.Projected, trend.Change)
	fmt.Printf("base rate %.2f: %v\n", after.BaseRate, after.BaseRateReasons)
	for _, d := range after.Dimensions {
		fmt.Printf("%-11s %.2f from %d items\n", d.Dimension, d.Projected, d.Items)
	}
	top := after.Top[0]
	fmt.Printf("weighs most: %s %s (%s), %+d, %.1f units\n", top.Evidence.Kind, top.Evidence.Ref, top.Evidence.Note, top.Sign, top.Influence)
	// Output:
	// before the breach: 0.83 (uncertainty 0.051)
	// after the breach:  0.55, change over 90 days -0.28
	// base rate 0.65: [prior 0.50 shared membership CLUB_OF_BERNE: +0.05 shared membership EU: +0.05 shared membership NATO: +0.05]
	// ability     0.79 from 40 items
	// integrity   0.29 from 41 items
	// benevolence 0.87 from 2 items
	// weighs most: breach breach-1 (breach of caveat ORCON), -1, 19.9 units
}

func must(ev trust.Evidence, err error) trust.Evidence {
	if err != nil {
		panic(err)
	}
	return ev
}

// An assessment marshals with snake_case keys, ready for the API.
func ExampleAssessment_json() {
	e, _ := trust.NewEngine(trust.DefaultConfig())
	a, _ := e.Assess("be-vsse", "no-pst", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	a.Dimensions = a.Dimensions[:1]
	b, _ := json.MarshalIndent(a, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "truster": "be-vsse",
	//   "trustee": "no-pst",
	//   "at": "2026-01-01T00:00:00Z",
	//   "overall": {
	//     "belief": 0,
	//     "disbelief": 0,
	//     "uncertainty": 1,
	//     "base_rate": 0.5
	//   },
	//   "projected": 0.5,
	//   "dimensions": [
	//     {
	//       "dimension": "ability",
	//       "opinion": {
	//         "belief": 0,
	//         "disbelief": 0,
	//         "uncertainty": 1,
	//         "base_rate": 0.5
	//       },
	//       "projected": 0.5,
	//       "positive": 0,
	//       "negative": 0,
	//       "items": 0,
	//       "weight": 1
	//     }
	//   ],
	//   "base_rate": 0.5,
	//   "base_rate_reasons": [
	//     "prior 0.50"
	//   ],
	//   "shared_memberships": [],
	//   "items": 0,
	//   "top": []
	// }
}
