package policy_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/policy"
)

// world is an in-memory node for the property test: products, who holds
// what, and the approvals originators gave — recorded independently of the
// policy, as the ground truth the invariant is checked against.
type world struct {
	orgs     []*liaison.Organisation
	officers map[string]*liaison.Officer
	products []*liaison.Product
	held     map[string]map[string]bool // product id -> org -> held
	// approved[origin][product][org]: origin approved product reaching org,
	// by sending it there itself or by granting a release.
	approved   map[string]map[string]map[string]bool
	agreements map[[2]string]*liaison.Agreement
}

func newWorld(rng *rand.Rand) *world {
	w := &world{officers: map[string]*liaison.Officer{}, held: map[string]map[string]bool{},
		approved: map[string]map[string]map[string]bool{}, agreements: map[[2]string]*liaison.Agreement{}}
	countries := []string{"DE", "FR", "ES", "NL", "DE", "NO"}
	for i, c := range countries {
		o := org(fmt.Sprintf("org-%d", i), c, "EU")
		w.orgs = append(w.orgs, o)
		w.officers[o.ID] = officer(o, liaison.RoleLiaison, "TRES SECRET UE", "*")
	}
	// Agreements between most pairs, wide open, so that consent is what
	// the property exercises; a few pairs have none.
	for i, a := range w.orgs {
		for _, b := range w.orgs[i+1:] {
			if rng.IntN(6) == 0 {
				continue
			}
			ag := agreement("TRES SECRET UE", []string{"*"}, a, b)
			w.agreements[[2]string{a.ID, b.ID}] = ag
			w.agreements[[2]string{b.ID, a.ID}] = ag
		}
	}
	return w
}

func (w *world) approve(origin, product, to string) {
	if w.approved[origin] == nil {
		w.approved[origin] = map[string]map[string]bool{}
	}
	if w.approved[origin][product] == nil {
		w.approved[origin][product] = map[string]bool{}
	}
	w.approved[origin][product][to] = true
}

func (w *world) lineage(p *liaison.Product) []*liaison.Product {
	var out []*liaison.Product
	for p.ParentID != "" {
		p = w.product(p.ParentID)
		out = append(out, p)
	}
	return out
}

func (w *world) product(id string) *liaison.Product {
	for _, p := range w.products {
		if p.ID == id {
			return p
		}
	}
	panic("no product " + id)
}

// consents is what a store answers: origins that approved any product of
// the lineage reaching to.
func (w *world) consents(p *liaison.Product, to string) []string {
	ids := []string{p.ID}
	for _, a := range w.lineage(p) {
		ids = append(ids, a.ID)
	}
	var out []string
	for origin, byProduct := range w.approved {
		for _, id := range ids {
			if byProduct[id][to] {
				out = append(out, origin)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

var banners = []string{"SECRET UE//ORCON", "CONFIDENTIEL UE", "RESTREINT UE//NO ONWARD", "NATO SECRET", "TLP:AMBER", "TLP:RED", "SECRET UE//REL TO EU", "DE GEHEIM//NOFORN"}

func (w *world) create(rng *rand.Rand, by *liaison.Organisation, parent *liaison.Product) *liaison.Product {
	p := product(fmt.Sprintf("p%d", len(w.products)), by, banners[rng.IntN(len(banners))], "topic")
	if parent != nil {
		p.ParentID, p.ParentVersion = parent.ID, parent.Version
		p.Marking = parent.Marking // as restricted as its source
		for _, o := range parent.Origins {
			if !slices.Contains(p.Origins, o) {
				p.Origins = append(p.Origins, o)
			}
		}
		slices.Sort(p.Origins)
	}
	w.products = append(w.products, p)
	w.held[p.ID] = map[string]bool{by.ID: true}
	return p
}

func (w *world) input(action liaison.Action, by *liaison.Organisation, p *liaison.Product, to *liaison.Organisation) *policy.Input {
	var originator *liaison.Organisation
	for _, o := range w.orgs {
		if o.ID == p.OriginatorOrg {
			originator = o
		}
	}
	in := &policy.Input{Action: action, Officer: w.officers[by.ID], Org: by, Product: p, Lineage: w.lineage(p),
		Originator: originator, Held: w.held[p.ID][by.ID], Target: to, Now: now}
	if to != nil {
		in.Agreement = w.agreements[[2]string{by.ID, to.ID}]
		in.Consents = w.consents(p, to.ID)
	}
	return in
}

// TestThirdPartyRuleHolds runs random sequences of product creation,
// tear-line derivation, dissemination attempts and release decisions, and
// checks after every step that no product is held by an organisation that
// one of its origins did not approve.
func TestThirdPartyRuleHolds(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 0x1a150))
		w := newWorld(rng)
		sent, refused := 0, 0
		for step := range 300 {
			by := w.orgs[rng.IntN(len(w.orgs))]
			switch k := rng.IntN(10); {
			case k == 0 || len(w.products) == 0:
				w.create(rng, by, nil)
			case k == 1:
				parent := w.products[rng.IntN(len(w.products))]
				in := w.input(liaison.ActionRead, by, parent, nil)
				if engine.DeriveAllowed(in, &parent.Marking).Allowed {
					w.create(rng, by, parent)
				}
			case k == 2:
				// An origin grants a release of one of its products (or a
				// product derived from it) to some organisation.
				p := w.products[rng.IntN(len(w.products))]
				origin := p.Origins[rng.IntN(len(p.Origins))]
				to := w.orgs[rng.IntN(len(w.orgs))]
				w.approve(origin, p.ID, to.ID)
			default:
				p := w.products[rng.IntN(len(w.products))]
				to := w.orgs[rng.IntN(len(w.orgs))]
				action := liaison.ActionForward
				if p.OriginatorOrg == by.ID {
					action = liaison.ActionDisseminate
				}
				d := engine.Decide(w.input(action, by, p, to))
				if !d.Allowed {
					refused++
					continue
				}
				sent++
				w.held[p.ID][to.ID] = true
				if slices.Contains(p.Origins, by.ID) {
					w.approve(by.ID, p.ID, to.ID)
				}
			}
			if err := w.check(); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
		}
		if sent == 0 || refused == 0 {
			t.Fatalf("seed %d: the sequence exercised too little (sent %d, refused %d)", seed, sent, refused)
		}
	}
}

// check is the invariant: every holder of a product is one of its origins
// or was approved by each origin, for that product or one it derives from.
func (w *world) check() error {
	for _, p := range w.products {
		lineage := append([]*liaison.Product{p}, w.lineage(p)...)
		for holder := range w.held[p.ID] {
			for _, origin := range p.Origins {
				if origin == holder {
					continue
				}
				ok := false
				for _, q := range lineage {
					if w.approved[origin][q.ID][holder] {
						ok = true
					}
				}
				if !ok {
					return fmt.Errorf("%s holds %s (%s) without the approval of its origin %s", holder, p.ID, p.Marking, origin)
				}
			}
		}
	}
	return nil
}
