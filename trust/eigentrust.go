package trust

import (
	"fmt"
	"math"
	"slices"
)

// Defaults for Global.
const (
	// DefaultAlpha is the weight of the pre-trusted distribution in each
	// step of EigenTrust: the share of trust that flows back to the
	// pre-trusted organisations, which bounds what a clique trusting
	// only itself can gain.
	DefaultAlpha = 0.15
	// DefaultEpsilon is the L1 change between two iterates at which
	// EigenTrust stops.
	DefaultEpsilon = 1e-10
	// DefaultMaxIterations bounds EigenTrust's iterations.
	DefaultMaxIterations = 1000
)

// GlobalTrust is the result of EigenTrust: a global trust score per
// organisation (they sum to 1), the iterations run, the L1 change of the
// last one, and whether it fell below ε.
type GlobalTrust struct {
	Scores     map[string]float64 `json:"scores"`
	Iterations int                `json:"iterations"`
	Residual   float64            `json:"residual"`
	Converged  bool               `json:"converged"`
}

// Global computes EigenTrust global trust (Kamvar, Schlosser &
// Garcia-Molina 2003) from local trust values local[{i, j}] = s_ij (any
// real number; Engine.LocalTrust gives decayed positive minus negative
// evidence), seeded by the pre-trusted organisations (the wiring passes
// treaty partners):
//
//	c_ij = max(s_ij, 0) / Σ_j max(s_ij, 0)       (c_ij = p_j if the sum is 0)
//	p_j  = 1/|P| if j is pre-trusted, else 0       (uniform over all if P is empty)
//	t(0) = p,  t(k+1) = (1 − α)·Cᵀ·t(k) + α·p      until ‖t(k+1) − t(k)‖₁ < ε
//
// The organisations are every name in local and pretrusted; self-trust
// s_ii is ignored. A row without any positive trust falls back to p, as
// in the paper, so trust never leaks out of the network and the scores
// always sum to 1. The error wraps ErrInvalid for α outside (0, 1), ε not
// > 0, maxIterations < 1, an empty name or a non-finite s_ij. If ε is not
// reached in maxIterations the last iterate is returned with Converged
// false.
func Global(local map[Pair]float64, pretrusted []string, alpha, epsilon float64, maxIterations int) (GlobalTrust, error) {
	switch {
	case !(alpha > 0 && alpha < 1):
		return GlobalTrust{}, fmt.Errorf("%w: eigentrust: alpha %v is not in (0, 1)", ErrInvalid, alpha)
	case !(epsilon > 0):
		return GlobalTrust{}, fmt.Errorf("%w: eigentrust: epsilon %v is not > 0", ErrInvalid, epsilon)
	case maxIterations < 1:
		return GlobalTrust{}, fmt.Errorf("%w: eigentrust: max iterations %d is not >= 1", ErrInvalid, maxIterations)
	}
	index := make(map[string]int)
	var names []string
	addName := func(n string) error {
		if n == "" {
			return fmt.Errorf("%w: eigentrust: an organisation name is empty", ErrInvalid)
		}
		if _, ok := index[n]; !ok {
			index[n] = -1
			names = append(names, n)
		}
		return nil
	}
	for p, s := range local {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return GlobalTrust{}, fmt.Errorf("%w: eigentrust: local trust %s→%s is %v", ErrInvalid, p.Truster, p.Trustee, s)
		}
		if err := addName(p.Truster); err != nil {
			return GlobalTrust{}, err
		}
		if err := addName(p.Trustee); err != nil {
			return GlobalTrust{}, err
		}
	}
	for _, n := range pretrusted {
		if err := addName(n); err != nil {
			return GlobalTrust{}, err
		}
	}
	slices.Sort(names)
	for i, n := range names {
		index[n] = i
	}
	n := len(names)
	out := GlobalTrust{Scores: make(map[string]float64, n)}
	if n == 0 {
		out.Converged = true
		return out, nil
	}

	p := make([]float64, n)
	for _, name := range pretrusted {
		p[index[name]] = 1
	}
	var np float64
	for _, v := range p {
		np += v
	}
	if np == 0 {
		for i := range p {
			p[i] = 1
		}
		np = float64(n)
	}
	for i := range p {
		p[i] /= np
	}

	// The normalised local trust matrix, by rows, sparse.
	type cell struct {
		j int
		c float64
	}
	rows := make([][]cell, n)
	sums := make([]float64, n)
	for pr, s := range local {
		i, j := index[pr.Truster], index[pr.Trustee]
		if i == j || s <= 0 {
			continue
		}
		rows[i] = append(rows[i], cell{j, s})
		sums[i] += s
	}
	for i := range rows {
		slices.SortFunc(rows[i], func(a, b cell) int { return a.j - b.j })
		for k := range rows[i] {
			rows[i][k].c /= sums[i]
		}
	}

	t := slices.Clone(p)
	next := make([]float64, n)
	for out.Iterations < maxIterations {
		// next = (1 − α)·Cᵀ·t + α·p; a row without trust spreads as p.
		var dangling float64
		clear(next)
		for i, row := range rows {
			if len(row) == 0 {
				dangling += t[i]
				continue
			}
			for _, c := range row {
				next[c.j] += t[i] * c.c
			}
		}
		var res float64
		for j := range next {
			next[j] = (1-alpha)*(next[j]+dangling*p[j]) + alpha*p[j]
			res += math.Abs(next[j] - t[j])
		}
		t, next = next, t
		out.Iterations++
		out.Residual = res
		if res < epsilon {
			out.Converged = true
			break
		}
	}
	for i, name := range names {
		out.Scores[name] = t[i]
	}
	return out, nil
}
