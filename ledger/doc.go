// Package ledger keeps the books of intelligence exchange: it values every
// dissemination, sums what each organisation gave and received per ordered
// pair, per agreement and per month, measures reciprocity as the network
// literature does, classifies each relationship into the four classes of
// the typology (transactional or relational, bilateral or multilateral)
// with the evidence behind the class and the history of its changes, and
// ranks services by their prominence in the exchange network.
//
// The package is pure: no I/O, no clock, no global state, and no import of
// other liaison packages but marking (for the common classification
// ranks, a pure leaf package). Its inputs are its own small types — Exchange (a
// dissemination as an exchange), Interaction (contact between services),
// Agreement (parties and period) — which the caller converts from store
// records. Outputs are JSON-ready (snake_case tags) and never hold NaN or
// an infinity: a measure that is undefined is absent (a nil pointer).
//
// # Value
//
// An exchange is worth
//
//	Base × classification × grading × feedback × timeliness × unsolicited
//
// and Value returns the six factors with their multipliers and a note, so
// that an explanation can show them. Defaults (DefaultConfig):
//
//   - classification by rank 0–4 (unclassified … top secret): 0.6, 0.8, 1.0,
//     1.25, 1.5. Sensitive material costs its originator more to give and
//     usually reflects rarer access; the spread is kept moderate because
//     the recipient's rating is the better judge of worth.
//   - grading: reliability A–F × credibility 1–6, each 1.2, 1.1, 1.0, 0.9,
//     0.7, 0.9 (A1 = 1.44, C3 = 1, E5 = 0.49). F and 6 mean "cannot be
//     judged", neither good nor bad, so they sit just below neutral and above
//     E and 5 (unreliable, improbable); an ungraded exchange counts as F6.
//   - feedback: rating / 2.5, so 0 (worthless) makes the exchange worth 0, 5
//     doubles it, and an unrated exchange is neutral (1).
//   - timeliness: an answer to an RFI given by its deadline × 1.25, after it
//     × 0.75; other exchanges × 1.
//   - unsolicited warning × 1.2: a give nobody asked for is the purest gift.
//
// The ledger keeps values as whole millionths (int64), so that every sum is
// exact and independent of the order in which exchanges were added or
// removed; this is what makes incremental updates equal to a rebuild.
//
// # Gives and returns
//
// The lag before a give is answered is measured by matching gives to
// returns, pair by pair and channel by channel (exchanges under bilateral
// and under multilateral agreements are matched separately), in time
// order, first in first out: an exchange from B to A settles A's oldest
// give to B still awaiting a return, if one was made within the horizon
// (Config.AnswerWithinDays, 30 days); otherwise it is itself a give awaiting
// A's return. A give is answered (lag = time to its return), unanswered (no
// return within the horizon) or open (still within it at the end of the
// window); a return is not itself awaiting a return.
//
// This deliberately departs from the plain "time to the next give in the
// other direction": in a strict quid pro quo (A gives, B returns within
// days, a month later it starts again) that definition also times each
// return's "answer", which is the next round a month later, so half the
// lags measure the rhythm of rounds rather than the promptness of returns,
// and the median sits between the two. With matching, each give is timed
// once, by the return that settles it. The 30-day horizon follows the
// duties agreements write ("answer each contribution in kind within two
// weeks") with slack: reciprocity that takes longer is no longer specific.
//
// Measures that depend on what had happened by a time are taken as of the
// end of the window (or of the latest record when the window is open): a
// give answered after the window's end is open or unanswered in it.
//
// # Reciprocity
//
// For a window, w_ij is the value i gave j and s_i = Σ_j w_ij i's
// out-strength. Per pair (Reciprocity):
//
//   - reciprocated value min(w_ij, w_ji), the weighted reciprocity of the
//     dyad, and the ratio min/max (Squartini, Picciolo, Ruzzenenti and
//     Garlaschelli, "Reciprocity of weighted networks", Scientific Reports
//     3, 2729, 2013);
//   - the log-ratio |ln p_ij − ln p_ji| with p_ij = w_ij / s_i, the share of
//     i's giving that goes to j: 0 when each matters as much to the other,
//     growing with asymmetry, and normalised for how much each gives overall
//     (Wang, Lizardo, Hachen, Strathman, Toroczkai and Chawla, "A dyadic
//     reciprocity index for repeated interaction networks", Network Science
//     1(1), 2013). It is absent when either flow is 0.
//
// Network-wide (Network): the binary reciprocity r = L↔/L and its
// density-corrected form ρ = (r − ā)/(1 − ā), ā = L/(N(N−1)), which is
// positive when links are reciprocated more than chance (Garlaschelli and
// Loffredo, "Patterns of link reciprocity in directed networks", Physical
// Review Letters 93, 268701, 2004); and the weighted reciprocity r^w =
// W↔/W with W↔ = Σ_{i≠j} min(w_ij, w_ji) (Squartini et al. 2013).
//
// # Typology
//
// Classify judges a relationship on a trailing window of
// TypologyConfig.WindowMonths (6) calendar months: the months before the
// one containing the time asked, and that month up to the time. Six
// months is long enough to see imbalance tolerated or settled, short
// enough to see a relationship change within a year. Fewer than
// MinExchanges (6) exchanges, one a month, give InsufficientData.
//
// Parties axis. The relationship is multilateral when at least
// MultilateralShare (half) of the value the pair exchanged went under
// multilateral agreements (Exchange.Multilateral), or when either party is
// a hub (SetHubs: a body such as EU INTCEN through which many parties
// exchange). Two services that meet in a group but exchange mostly under
// their own memorandum are bilateral.
//
// Reciprocity axis. Specific reciprocity (Keohane, "Reciprocity in
// international relations", International Organization 40(1), 1986)
// exchanges equivalents in a delimited sequence: gives answered quickly,
// balance kept over short windows, few social ties. Diffuse reciprocity
// tolerates imbalance over long periods, takes returns from the group
// rather than the pair, and rests on dense contact and trust. Nine
// indicators each give 0 (transactional) to 1 (relational) points on a
// Scale anchored at a transactional and a relational value (linear between,
// logarithmic for the lag); the score is their weighted mean over those
// that can be measured, and the relationship is relational when the score
// is at least RelationalScore (0.5). Indicators of exchange are measured
// on the channel (bilateral or multilateral) that carries most of the
// pair's value: what two services trade through a group is the group's
// business and counts under generalised returns.
//
//	indicator            weight  transactional → relational   measure
//	return_lag            0.20   5 → 20 days (log)            median lag of answered gives
//	answered_share        0.10   0.9 → 0.5                    answered / (answered + unanswered)
//	monthly_balance       0.15   0.2 → 0.5                    Σ_m |g_m − r_m| / Σ_m (g_m + r_m)
//	long_imbalance        0.10   0.1 → 0.3                    |G − R| / (G + R) over the window
//	generalised_returns   0.10   0.2 → 0.8                    group / (group + direct) returns
//	contact_density       0.15   0.25 → 1 a month             weighted contacts per month
//	deep_contact          0.10   0 → 2 a year                 exercises, joint training, secondments, visits
//	officer_ties          0.05   2 → 4 officers               distinct officers in contacts of the two alone
//	tone                  0.05   0 → 1.5                      mean tone of contacts (−2..+2)
//
// Reasons. A week or less between a give and its return is quid pro quo; at
// three weeks and beyond, returns are no longer tied to gives (the midpoint,
// 10 days, sits inside the customary two weeks). Transactional partners
// return nearly everything (90 %); half unanswered is a tolerated
// imbalance. Within a month a strict exchange is nearly even (a round
// straddling a month's end leaves ~20 % unbalanced), while independent
// streams leave half or more. Over the window, 10 % is noise and 30 % a
// lasting imbalance one side accepts. Generalised returns count, for both
// sides, what each received under multilateral agreements both are party to
// (declared by SetAgreements, or seen in exchanges) against what each
// received from the other directly under bilateral ones: a hub's fused
// assessments are returns from the group. Contact is weighted 1 for the
// two alone and 1/(n−1) for a meeting of n organisations when the
// relationship is bilateral (a plenary is not a bilateral tie), 1 when it
// is multilateral (the group's meetings are its relationship, and shared
// institutions are the basis of identity-based trust); one contact a month
// is dense, one a quarter sparse. Two deep contacts a year, a second pair
// of officers, and a warm tone (1.5) mark a relational tie. Lag and balance
// carry most weight because they are the definition of specific
// reciprocity; contact carries the rest because interaction, more than
// calculation, explains cooperation (see DOMAIN.md).
//
// History classifies the relationship at the end of each period
// (StepMonths, 3: quarters, labelled "2025-Q4") on the same trailing
// window, from the period of its first record to the latest, and marks each
// change of class with the indicators whose contribution moved most in the
// direction of the change ("from transactional_bilateral to
// relational_bilateral in 2025-Q4 because …"). A period's class equals
// Classify at the period's end.
//
// Calibration on the demo scenario (package demo, seed 1) with the
// default configuration, quarter by quarter: nl-aivd–eu-intcen is
// relational multilateral in every quarter (scores 0.60–0.93);
// nl-aivd–no-pst transactional bilateral in every quarter from 2025-Q1
// (0.04–0.32; 2024-Q4 has too few exchanges); nl-aivd–be-vsse
// transactional bilateral in 2025-Q1 to 2025-Q3 (0.16–0.36) and
// relational bilateral from 2025-Q4, the quarter its second year began, on
// (0.72–0.96). The classes depend on interactions: without them contact
// density is 0, tone unmeasured, and the hub relationship drops to
// transactional multilateral in some quarters.
//
// # Centrality
//
// Centrality ranks organisations in the weighted directed graph of gives
// over a window with gonum: in- and out-strength, degrees, reciprocated
// strength, PageRank (value-weighted, damping 0.85) on the graph of gives
// and on its reverse, and betweenness on link lengths 1/value (Opsahl,
// Agneessens and Skvoretz, "Node centrality in weighted networks", Social
// Networks 32, 2010), normalised to 0–1.
//
// # Cost
//
// Add costs O(1) amortised when exchanges arrive in time order for their
// pair, O(exchanges of the pair) otherwise; AddAll sorts and aggregates
// each touched pair once. Pair and Months cost O(exchanges of the pair in
// the window); Classify O(exchanges and contacts of the pair in the
// window) plus a pass over the two organisations' monthly cells;
// Centrality and Network O(pairs × months). For 50 organisations and
// 1,000,000 exchanges (BenchmarkRebuild, BenchmarkAddOne, two cores):
// loading everything and scoring every pair takes about 2–3 s; adding one
// exchange and reading its pair's summary and class takes tens of
// microseconds.
package ledger
