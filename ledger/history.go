package ledger

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ClassPeriod is a relationship's class for one period of its history:
// the Typology judged at the period's end (or at the latest record, for
// the period under way) on the trailing TypologyConfig.WindowMonths.
// Change is set when the class differs from that of the last period that
// had enough data.
type ClassPeriod struct {
	// Period is "2025-Q4" for quarters (StepMonths 3), "2025" for
	// years (12), else the first month, "2025-11".
	Period   string       `json:"period"`
	Typology Typology     `json:"typology"`
	Change   *ClassChange `json:"change,omitempty"`
}

// ClassChange says when and why a relationship changed class.
type ClassChange struct {
	From   Class  `json:"from"`
	To     Class  `json:"to"`
	Period string `json:"period"`
	// Because lists the indicators whose contribution to the decision
	// moved most, largest first, e.g. "contact_density rose from 0.30
	// to 1.8 contacts a month".
	Because []string `json:"because"`
	// Summary is one sentence: "from transactional_bilateral to
	// relational_bilateral in 2026-Q1 because …".
	Summary string `json:"summary"`
}

// History returns the class of the relationship between a and b for each
// period (TypologyConfig.StepMonths long, aligned on the calendar) from
// the one of its first exchange or contact to the one of the latest
// record held, oldest first; nil when the two never exchanged nor met.
func (l *Ledger) History(a, b string) []ClassPeriod {
	l.mu.RLock()
	defer l.mu.RUnlock()
	p, _ := l.lookup(a, b)
	if p == nil || (len(p.events) == 0 && len(p.contacts) == 0) {
		return nil
	}
	first := int64(math.MaxInt64)
	if len(p.events) > 0 {
		first = p.events[0].at
	}
	if len(p.contacts) > 0 {
		first = min(first, p.contacts[0].at)
	}
	end := l.latest() + 1
	step := int32(l.cfg.Typology.StepMonths)
	m := monthOf(time.UnixMicro(first))
	m -= ((m % step) + step) % step

	var out []ClassPeriod
	var last *Typology
	for ; monthStart(m) < end; m += step {
		at := min(monthStart(m+step), end)
		t := l.classify(a, b, at)
		cp := ClassPeriod{Period: periodLabel(m, step), Typology: t}
		if t.Class != InsufficientData {
			if last != nil && last.Class != t.Class {
				cp.Change = l.change(last, &t, cp.Period)
			}
			last = &cp.Typology
		}
		out = append(out, cp)
	}
	return out
}

func periodLabel(m, step int32) string {
	y, mo := m/12, m%12
	switch step {
	case 3:
		return strconv.Itoa(int(y)) + "-Q" + strconv.Itoa(int(mo/3+1))
	case 12:
		return strconv.Itoa(int(y))
	}
	return monthKey(m)
}

// change explains the move from class prev to class cur.
func (l *Ledger) change(prev, cur *Typology, period string) *ClassChange {
	c := &ClassChange{From: prev.Class, To: cur.Class, Period: period, Because: []string{}}
	type delta struct {
		d    float64
		text string
	}
	var ds []delta
	if prev.Multilateral != cur.Multilateral {
		for i := range cur.Evidence {
			x, y := &prev.Evidence[i], &cur.Evidence[i]
			if x.Axis == AxisParties && x.Points != y.Points {
				ds = append(ds, delta{math.Inf(1), moved(x, y)})
			}
		}
	}
	if prev.Relational != cur.Relational {
		contrib := func(t *Typology, x *Indicator) float64 {
			var w float64
			for _, e := range t.Evidence {
				if e.Axis == AxisReciprocity && e.Value != nil {
					w += e.Weight
				}
			}
			if x.Value == nil || w == 0 {
				return 0
			}
			return x.Weight * x.Points / w
		}
		for i := range cur.Evidence {
			x, y := &prev.Evidence[i], &cur.Evidence[i]
			if x.Axis != AxisReciprocity {
				continue
			}
			d := contrib(cur, y) - contrib(prev, x)
			// Only the moves in the direction of the change explain it.
			if (cur.Relational && d > 0.005) || (!cur.Relational && d < -0.005) {
				ds = append(ds, delta{math.Abs(d), moved(x, y)})
			}
		}
	}
	slices.SortStableFunc(ds, func(x, y delta) int { return cmp.Compare(y.d, x.d) })
	for i := 0; i < len(ds) && i < 4; i++ {
		c.Because = append(c.Because, ds[i].text)
	}
	c.Summary = fmt.Sprintf("from %s to %s in %s", c.From, c.To, period)
	if len(c.Because) > 0 {
		c.Summary += " because " + strings.Join(c.Because, ", ")
	}
	return c
}

// moved describes how an indicator moved.
func moved(x, y *Indicator) string {
	switch {
	case x.Value == nil && y.Value == nil:
		return y.Name + " stayed unmeasured"
	case x.Value == nil:
		return fmt.Sprintf("%s became measurable at %s %s", y.Name, num(*y.Value), y.Unit)
	case y.Value == nil:
		return fmt.Sprintf("%s (%s %s) could no longer be measured", y.Name, num(*x.Value), x.Unit)
	}
	verb := "rose"
	switch {
	case *y.Value < *x.Value:
		verb = "fell"
	case *y.Value == *x.Value:
		return fmt.Sprintf("%s stayed at %s %s", y.Name, num(*y.Value), y.Unit)
	}
	return fmt.Sprintf("%s %s from %s to %s %s", y.Name, verb, num(*x.Value), num(*y.Value), y.Unit)
}
