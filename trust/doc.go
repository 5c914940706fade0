// Package trust computes how far one organisation can rely on another
// from the evidence of their dealings, and explains every score.
//
// For each ordered pair (truster → trustee) it holds a binomial opinion of
// subjective logic (Jøsang 2016): belief, disbelief, uncertainty and a base
// rate, with projected probability b + a·u. Opinions are made from
// evidence by the Beta reputation mapping (Jøsang & Ismail 2002),
// b = r/(r+s+W), d = s/(r+s+W), u = W/(r+s+W) with W = 2, where r and s are
// the positive and negative units of evidence, each item weighing
// 2^(−age/half-life): evidence is forgotten, so a silent relationship grows
// uncertain again.
//
// Evidence bears on one of the three factors of trustworthiness of Mayer,
// Davis and Schoorman (1995): Ability (feedback on products, later
// corroboration or refutation), Integrity (caveats kept; a breach is the
// heaviest item of the model) and Benevolence (unsolicited warnings, RFIs
// answered, and the relational evidence: interactions with their
// frequency, recency and tone, the number of distinct officer ties and the
// age of the relationship, the last two derived by the engine with
// diminishing returns). Relational evidence is not a dimension of its own:
// it is evidence of goodwill, and Mayer et al. place the growth of
// benevolence in the history of the relationship. The overall opinion adds
// the dimensions' evidence, each times its weight (integrity weighs most:
// trust is built slowly and lost fast). Institutional evidence, the
// memberships two organisations share, raises the base rate and nothing
// else.
//
// Engine keeps the evidence so that adding an item is O(1) in time order
// and an assessment at any time is O(log n), and keeps per pair the items
// that weigh most, so that an Assessment shows its working. Trend compares
// trust now with trust some days ago. For a partner without direct
// history, Transitive discounts and fuses opinions along chains of trusted
// partners (Jøsang, Hayward & Pope 2006), and Global computes an
// EigenTrust score (Kamvar, Schlosser & Garcia-Molina 2003) seeded by
// pre-trusted organisations.
//
// The package is pure: no I/O and no global state; it imports only the
// standard library. docs/trust.md gives the model, every formula, the
// default weights and why, and says which parts are our modelling choices
// rather than the literature's.
//
// Design notes, where we departed from the first sketch:
//   - Each pair and dimension keeps its items in time order with running
//     sums in log space, log2 Σ w·2^(t/h), rather than only a cumulative
//     sum and monthly buckets: log space never overflows, whatever the
//     half-life and the span of time, and the running sums make an
//     assessment at any past time exact (items dated after it are left
//     out), which Trend needs, at 40 bytes an item.
//   - Opinion.Validate, FromEvidence, Discount and Fuse return errors for
//     invalid input instead of producing NaN opinions.
//   - Discounting is uncertainty-favouring: an unknown or distrusted
//     recommender passes on nothing.
package trust
