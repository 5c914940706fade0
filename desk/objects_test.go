package desk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/policy"
	"github.com/liaison-dev/liaison/stix"
)

// attackBundle is MITRE ATT&CK for ICS, shared test data.
const attackBundle = "../../shared/data/attack/ics-attack.json"

// whoami returns the officer a service acts for.
func whoami(t testing.TB, s liaison.Service) *liaison.Officer {
	t.Helper()
	o, err := s.Whoami(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// importRaw imports objects as officer o, with opts, and returns the
// results by index and the report.
func importRaw(t testing.TB, f *fixture, o *liaison.Officer, opts desk.ImportOptions, objs ...json.RawMessage) ([]desk.ImportResult, desk.ImportReport) {
	t.Helper()
	ctx := context.Background()
	im, err := f.desk.NewImporter(ctx, o, opts)
	if err != nil {
		t.Fatal(err)
	}
	var results []desk.ImportResult
	im.OnResult(func(r desk.ImportResult) { results = append(results, r) })
	must(t, im.Add(ctx, objs))
	must(t, im.Close(ctx))
	slices.SortFunc(results, func(a, b desk.ImportResult) int { return a.Index - b.Index })
	return results, im.Report()
}

// readObjects reads every object of a STIX file.
func readObjects(t testing.TB, path string) []json.RawMessage {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared test data %s is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := stix.NewReader(f)
	var out []json.RawMessage
	for {
		raw, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
}

// collection reads every version of a collection as the officer.
func collection(t testing.TB, svc liaison.ObjectService, id string, v liaison.VersionMatch) []*liaison.Object {
	t.Helper()
	var out []*liaison.Object
	q := liaison.ObjectQuery{Collection: id, Versions: v, Limit: 500}
	for {
		page, err := svc.Objects(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Objects...)
		if !page.More {
			return out
		}
		q.Next = page.Next
	}
}

func TestImportATTACKForICSAndReadItBack(t *testing.T) {
	objs := readObjects(t, attackBundle)
	if len(objs) != 1826 {
		t.Fatalf("the ATT&CK for ICS bundle has %d objects, want 1826", len(objs))
	}
	f := newFixture(t)
	admin := whoami(t, f.admin)
	results, rep := importRaw(t, f, admin, desk.ImportOptions{Source: "ics-attack.json"}, objs...)
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("object %d %s rejected: %v", r.Index, r.ID, r.Err)
		}
	}
	if rep.Stored != 1826 || rep.Rejected != 0 || rep.Duplicates != 0 {
		t.Fatalf("report %+v, want 1826 stored", rep)
	}
	if rep.ByType["x-mitre-tactic"] != 12 || rep.ByType["relationship"] != 1373 || rep.ByType["attack-pattern"] != 95 {
		t.Errorf("by type %v", rep.ByType)
	}

	// The same bundle again is held already, object by object.
	_, again := importRaw(t, f, admin, desk.ImportOptions{}, objs...)
	if again.Stored != 0 || again.Duplicates != 1826 {
		t.Errorf("re-import: %+v, want 1826 held already", again)
	}

	// The home collection serves every object byte for byte.
	n, err := f.desk.Node(context.Background())
	must(t, err)
	svc := f.desk.Objects(admin)
	got := collection(t, svc, desk.CollectionID(n.ID, "nl-aivd"), liaison.VersionMatch{All: true})
	byID := map[string][]byte{}
	for _, o := range got {
		byID[o.ID+"@"+o.Version.String()] = o.Raw
	}
	for _, raw := range objs {
		h, err := stix.Parse(raw)
		must(t, err)
		stored, ok := byID[h.ID+"@"+h.Version().String()]
		if !ok {
			t.Errorf("%s is not served", h.ID)
			continue
		}
		if !bytes.Equal(stored, raw) {
			t.Errorf("%s is served changed", h.ID)
		}
	}
	// Beyond ATT&CK, the collection holds only what the node wrote itself:
	// the identities of its organisations, and liaison's extension.
	for _, o := range got {
		if o.Type != "identity" && o.ID != stix.ExtensionID && !slices.ContainsFunc(objs, func(raw json.RawMessage) bool { return bytes.Contains(raw, []byte(`"`+o.ID+`"`)) }) {
			t.Errorf("unexpected object %s in the collection", o.ID)
		}
	}
}

// bundleObject is a STIX object written for a test.
func bundleObject(t testing.TB, v map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func indicator(n int, marking string) map[string]any {
	o := map[string]any{"type": "indicator", "spec_version": "2.1",
		"id":      fmt.Sprintf("indicator--6b0e2a62-0000-4000-8000-%012d", n),
		"created": "2026-01-02T03:04:05.000Z", "modified": "2026-01-02T03:04:05.000Z",
		"pattern": fmt.Sprintf("[ipv4-addr:value = '198.51.100.%d']", n), "pattern_type": "stix",
		"valid_from": "2026-01-02T03:04:05Z", "indicator_types": []string{"malicious-activity"}}
	if marking != "" {
		o["object_marking_refs"] = []string{marking}
	}
	return o
}

func report(n int, marking string, refs ...string) map[string]any {
	o := map[string]any{"type": "report", "spec_version": "2.1",
		"id":      fmt.Sprintf("report--6b0e2a62-0000-4000-9000-%012d", n),
		"created": "2026-01-02T03:04:05.000Z", "modified": "2026-01-02T03:04:05.000Z",
		"name": fmt.Sprintf("C2 servers %d", n), "description": "Servers used by a cell.",
		"published": "2026-01-02T03:04:05Z", "report_types": []string{"threat-report"},
		"labels": []string{"counter-terrorism"}, "object_refs": refs}
	if marking != "" {
		o["object_marking_refs"] = []string{marking}
	}
	return o
}

func TestImportedMarkingsAreEnforced(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := whoami(t, f.admin)
	green, red := indicator(1, stix.TLPGreen), indicator(2, stix.TLPRed)
	rGreen := report(1, stix.TLPGreen, green["id"].(string), red["id"].(string))
	rRed := report(2, stix.TLPRed, green["id"].(string))
	results, rep := importRaw(t, f, admin, desk.ImportOptions{},
		bundleObject(t, green), bundleObject(t, red), bundleObject(t, rGreen), bundleObject(t, rRed))
	if rep.Stored != 4 || rep.Products != 2 {
		t.Fatalf("report %+v, want 4 stored and 2 products", rep)
	}
	greenProduct, redProduct := results[2].Product, results[3].Product
	p, err := f.home.Product(ctx, redProduct, 0)
	must(t, err)
	if p.Banner != "TLP:RED" {
		t.Errorf("the TLP:RED report became a product marked %q", p.Banner)
	}

	// TLP:RED never leaves the node.
	_, err = f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: redProduct, To: "de-bfv"})
	wantCode(t, err, liaison.EDENIED)
	var e *liaison.Error
	if errors.As(err, &e) && !hasReason(e.Reasons, policy.CodeTLPRed) {
		t.Errorf("refused without the tlp_red reason: %v", e.Reasons)
	}

	// TLP:GREEN goes, with the objects it names that are no more
	// restricted than itself: the green indicator, not the red one.
	_, err = f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: greenProduct, To: "de-bfv"})
	if err != nil {
		t.Fatalf("%v: %v", err, liaison.ErrorReasons(err))
	}
	n, err := f.desk.Node(ctx)
	must(t, err)
	partner := whoami(t, f.partner)
	got := collection(t, f.desk.Objects(partner), desk.CollectionID(n.ID, "de-bfv"), liaison.VersionMatch{})
	var ids []string
	for _, o := range got {
		ids = append(ids, o.ID)
	}
	for _, want := range []string{rGreen["id"].(string), green["id"].(string), stix.TLPGreen} {
		if !slices.Contains(ids, want) && want != stix.TLPGreen {
			t.Errorf("the partner's collection lacks %s: %v", want, ids)
		}
	}
	if slices.Contains(ids, red["id"].(string)) {
		t.Errorf("the TLP:RED indicator reached the partner: %v", ids)
	}
	if slices.Contains(ids, rRed["id"].(string)) {
		t.Errorf("the TLP:RED report reached the partner: %v", ids)
	}

	// The third party sees none of it, and the home collection is not the
	// partner's to read.
	third := whoami(t, f.third)
	if _, err := f.desk.Objects(third).Collection(ctx, desk.CollectionID(n.ID, "de-bfv")); liaison.ErrorCode(err) != liaison.ENOTFOUND {
		t.Errorf("a third party reads the partner's collection: %v", err)
	}
	if _, err := f.desk.Objects(partner).Collection(ctx, desk.CollectionID(n.ID, "nl-aivd")); liaison.ErrorCode(err) != liaison.ENOTFOUND {
		t.Errorf("a partner reads the home collection: %v", err)
	}
}

func TestBadObjectsAreRejectedAndTheRestImported(t *testing.T) {
	f := newFixture(t)
	admin := whoami(t, f.admin)
	good := indicator(1, stix.TLPAmber)
	noID := indicator(2, "")
	delete(noID, "id")
	noSpec := indicator(3, "")
	delete(noSpec, "spec_version")
	badTime := indicator(4, "")
	badTime["created"] = "2022-101-27T00:00:00.000Z"
	unknownMarking := indicator(5, "marking-definition--00000000-0000-4000-8000-00000000dead")
	objs := []json.RawMessage{bundleObject(t, good), bundleObject(t, noID), bundleObject(t, noSpec),
		bundleObject(t, badTime), bundleObject(t, unknownMarking), json.RawMessage(`{"type":`)}
	before := f.auditCount(t)
	results, rep := importRaw(t, f, admin, desk.ImportOptions{}, objs...)
	if rep.Stored != 1 || rep.Rejected != 5 {
		t.Fatalf("report %+v, want 1 stored and 5 rejected", rep)
	}
	for i, want := range []string{"", "id", "spec_version", "created", "marking", ""} {
		r := results[i]
		if i == 0 {
			if r.Err != nil {
				t.Errorf("the good object was rejected: %v", r.Err)
			}
			continue
		}
		if r.Err == nil {
			t.Errorf("object %d was not rejected", i)
			continue
		}
		if want != "" && !strings.Contains(r.Err.Error(), want) {
			t.Errorf("object %d rejected for %q, want a reason naming %q", i, r.Err, want)
		}
	}
	if f.auditCount(t) <= before {
		t.Error("the import left no audit event")
	}
}

func TestPartnerGivesObjectsThroughItsCollection(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, err := f.desk.Node(ctx)
	must(t, err)
	partner := whoami(t, f.partner)
	svc := f.desk.Objects(partner)
	coll := desk.CollectionID(n.ID, "de-bfv")
	st, err := svc.AddObjects(ctx, coll, []json.RawMessage{
		bundleObject(t, indicator(7, stix.TLPGreen)),
		bundleObject(t, report(7, stix.TLPAmber, indicator(7, "")["id"].(string))),
		json.RawMessage(`{"type":"indicator"}`),
	})
	must(t, err)
	if st.SuccessCount != 2 || st.FailureCount != 1 || st.TotalCount != 3 {
		t.Fatalf("status %+v, want 2 successes and 1 failure", st)
	}
	// The partner reads what it gave; the home node holds it, from it.
	got := collection(t, svc, coll, liaison.VersionMatch{})
	if len(got) != 2 {
		t.Errorf("the partner's collection holds %d objects, want the 2 it gave", len(got))
	}
	ps, err := f.home.Products(ctx, liaison.ProductQuery{})
	must(t, err)
	var fromPartner *liaison.Product
	for _, p := range ps {
		if p.OriginatorOrg == "de-bfv" {
			fromPartner = p
		}
	}
	if fromPartner == nil {
		t.Fatal("the report the partner gave is not a product the home organisation holds")
	}
	// The third-party rule binds what the partner gave.
	_, err = f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: fromPartner.ID, To: "fr-dgsi"})
	wantCode(t, err, liaison.EDENIED)

	// The status is the partner's to read, no one else's.
	if _, err := svc.Status(ctx, st.ID); err != nil {
		t.Errorf("status: %v", err)
	}
	if _, err := f.desk.Objects(whoami(t, f.home)).Status(ctx, st.ID); liaison.ErrorCode(err) != liaison.ENOTFOUND {
		t.Errorf("another organisation reads the status: %v", err)
	}
	// A collection that is not the officer's own is not writable.
	if _, err := f.desk.Objects(whoami(t, f.third)).AddObjects(ctx, coll, nil); liaison.ErrorCode(err) != liaison.ENOTFOUND {
		t.Errorf("a third party writes to the partner's collection: %v", err)
	}
}

func TestExportImportRoundTripIsLossless(t *testing.T) {
	objs := readObjects(t, attackBundle)
	f := newFixture(t)
	ctx := context.Background()
	admin := whoami(t, f.admin)
	extra := []json.RawMessage{bundleObject(t, indicator(1, stix.TLPAmberStrict)), bundleObject(t, report(1, stix.TLPGreen, indicator(1, "")["id"].(string)))}
	importRaw(t, f, admin, desk.ImportOptions{}, append(slices.Clone(objs), extra...)...)
	n, err := f.desk.Node(ctx)
	must(t, err)
	first := collection(t, f.desk.Objects(admin), desk.CollectionID(n.ID, "nl-aivd"), liaison.VersionMatch{All: true})

	// Export and import into a fresh node.
	var exported []json.RawMessage
	for _, o := range first {
		exported = append(exported, o.Raw)
	}
	g := newFixture(t)
	gAdmin := whoami(t, g.admin)
	_, rep := importRaw(t, g, gAdmin, desk.ImportOptions{}, exported...)
	if rep.Rejected != 0 {
		t.Fatalf("re-import rejected %d objects", rep.Rejected)
	}
	gn, err := g.desk.Node(ctx)
	must(t, err)
	second := collection(t, g.desk.Objects(gAdmin), desk.CollectionID(gn.ID, "nl-aivd"), liaison.VersionMatch{All: true})
	key := func(o *liaison.Object) string { return o.ID + "@" + o.Version.String() }
	imported := map[string]bool{}
	for _, raw := range append(slices.Clone(objs), extra...) {
		h, err := stix.Parse(raw)
		must(t, err)
		imported[h.ID] = true
	}
	want := map[string]*liaison.Object{}
	for _, o := range first {
		want[key(o)] = o
	}
	matched := 0
	for _, o := range second {
		w, ok := want[key(o)]
		if !ok || !imported[o.ID] {
			// The nodes' own identities of their organisations.
			continue
		}
		matched++
		if !bytes.Equal(w.Raw, o.Raw) {
			t.Errorf("%s changed in the round trip", o.ID)
		}
		if !w.Marking.Equal(o.Marking) {
			t.Errorf("%s: marking %v became %v", o.ID, w.Marking, o.Marking)
		}
	}
	if matched != len(objs)+len(extra) {
		t.Errorf("%d of %d objects came through the round trip", matched, len(first))
	}
}

func TestADisseminatedProductReachesThePartnerAsValidSTIX(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "Courier network", Body: "A courier moves funds.",
		Topics: []string{"counter-terrorism"}, Marking: "SECRET UE//ORCON", Reliability: "B", Credibility: "2"})
	must(t, err)
	v2, err := f.home.CreateProduct(ctx, liaison.ProductDraft{ID: p.ID, Title: "Courier network (revised)", Body: "Two couriers.",
		Topics: []string{"counter-terrorism"}, Marking: "SECRET UE//ORCON", Reliability: "B", Credibility: "2"})
	must(t, err)
	_, err = f.home.Disseminate(ctx, liaison.DisseminationOrder{ProductID: p.ID, Version: v2.Version, To: "de-bfv"})
	must(t, err)
	n, err := f.desk.Node(ctx)
	must(t, err)
	got := collection(t, f.desk.Objects(whoami(t, f.partner)), desk.CollectionID(n.ID, "de-bfv"), liaison.VersionMatch{All: true})
	types := map[string]int{}
	v, err := stix.NewValidator()
	must(t, err)
	var report *stix.Header
	for _, o := range got {
		types[o.Type]++
		if err := v.Validate(o.Raw); err != nil {
			t.Errorf("%s does not validate: %v", o.ID, err)
		}
		if o.Type == "report" {
			report, err = stix.Parse(o.Raw)
			must(t, err)
		}
	}
	want := map[string]int{"report": 1, "identity": 2, "marking-definition": 1, "extension-definition": 1}
	for typ, n := range want {
		if types[typ] != n {
			t.Errorf("the partner holds %d %s, want %d (all: %v)", types[typ], typ, n, types)
		}
	}
	if report == nil {
		t.Fatal("no report reached the partner")
	}
	if report.Name != "Courier network (revised)" || report.Extension == nil || report.Extension.ProductVersion != 2 {
		t.Errorf("the partner's report is not version 2 of the product: %+v", report)
	}
	// Every version of a STIX object has the created of the first.
	if !report.Created.Equal(p.CreatedAt.Truncate(time.Millisecond)) || !report.Modified.After(report.Created) {
		t.Errorf("report created %v modified %v; product v1 made %v", report.Created, report.Modified, p.CreatedAt)
	}
	// The partner did not get version 1, which was not disseminated.
	if types["report"] != 1 {
		t.Errorf("the partner holds %d report versions", types["report"])
	}
}

func TestObjectsWaitForAMarkingDefinedLater(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	statement := func(n int) (string, json.RawMessage) {
		id := fmt.Sprintf("marking-definition--6b0e2a62-0000-4000-a000-%012d", n)
		return id, bundleObject(t, map[string]any{"type": "marking-definition", "spec_version": "2.1", "id": id,
			"created": "2026-01-01T00:00:00.000Z", "definition_type": "statement",
			"definition": map[string]any{"statement": fmt.Sprintf("Copyright %d", n)}})
	}
	im, err := f.desk.NewImporter(ctx, whoami(t, f.admin), desk.ImportOptions{BatchSize: 10})
	must(t, err)
	var rejected []desk.ImportResult
	im.OnResult(func(r desk.ImportResult) {
		if r.Err != nil {
			rejected = append(rejected, r)
		}
	})
	// Two runs of 45 objects, each followed by the definition they use.
	n := 0
	for run := 1; run <= 2; run++ {
		def, raw := statement(run)
		for range 45 {
			n++
			must(t, im.Add(ctx, []json.RawMessage{bundleObject(t, indicator(n, def))}))
		}
		must(t, im.Add(ctx, []json.RawMessage{raw}))
		must(t, im.Flush(ctx))
	}
	// A flush leaves only what waits for a definition still to come.
	if p := im.Pending(); p != 0 {
		t.Errorf("%d objects still wait after both definitions came", p)
	}
	must(t, im.Add(ctx, []json.RawMessage{bundleObject(t, indicator(999, "marking-definition--6b0e2a62-0000-4000-a000-000000000077"))}))
	must(t, im.Flush(ctx))
	if p := im.Pending(); p != 1 {
		t.Errorf("%d objects wait for a definition not seen, want 1", p)
	}
	must(t, im.Close(ctx))
	if rep := im.Report(); rep.Stored != 92 || rep.Rejected != 1 {
		t.Errorf("report %+v, want 92 stored (90 indicators, 2 definitions) and 1 rejected", rep)
	}
	if len(rejected) != 1 || !strings.Contains(rejected[0].Err.Error(), "marking-definition--6b0e2a62-0000-4000-a000-000000000077") {
		t.Errorf("rejections %v, want the object whose definition never came", rejected)
	}
}

func TestCollectionsKeepNeedToKnowAndRoles(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, err := f.desk.Node(ctx)
	must(t, err)
	home := desk.CollectionID(n.ID, "nl-aivd")
	// A product on a topic the analyst has, and one on a topic it has not.
	cyber, err := f.home.CreateProduct(ctx, liaison.ProductDraft{Title: "Phishing wave", Topics: []string{"cyber"},
		Marking: "RESTREINT UE", Reliability: "B", Credibility: "2"})
	must(t, err)
	admin := whoami(t, f.admin)
	narrow := &liaison.Officer{ID: "nl.narrow", OrgID: "nl-aivd", Name: "narrow", Role: liaison.RoleAnalyst,
		Clearance: marking.Classification{Scheme: "EU", Level: "SECRET UE"}, NeedToKnow: []string{"counter-terrorism"}}
	_, err = f.admin.CreateOfficer(ctx, narrow)
	must(t, err)
	narrow, err = f.desk.Officer(ctx, "nl.narrow")
	must(t, err)
	reports := func(o *liaison.Officer) []string {
		var out []string
		for _, obj := range collection(t, f.desk.Objects(o), home, liaison.VersionMatch{}) {
			if obj.Type == "report" {
				out = append(out, obj.ID)
			}
		}
		return out
	}
	if got := reports(admin); !slices.Contains(got, "report--"+cyber.ID) {
		t.Errorf("the admin (need-to-know *) does not see the cyber product: %v", got)
	}
	if got := reports(narrow); slices.Contains(got, "report--"+cyber.ID) {
		t.Errorf("an analyst without the cyber topic reads the cyber product over TAXII: %v", got)
	}
	// Auditors read the audit chain, not products: no collection at all.
	cs, err := f.desk.Objects(whoami(t, f.auditor)).Collections(ctx)
	must(t, err)
	if len(cs) != 0 {
		t.Errorf("an auditor has %d collections", len(cs))
	}
	if _, err := f.desk.Objects(whoami(t, f.auditor)).Objects(ctx, liaison.ObjectQuery{Collection: home}); liaison.ErrorCode(err) != liaison.ENOTFOUND {
		t.Errorf("an auditor reads the home collection: %v", err)
	}
}

func TestAPartnerVersionsOnlyWhatItGave(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, err := f.desk.Node(ctx)
	must(t, err)
	partner := f.desk.Objects(whoami(t, f.partner))
	coll := desk.CollectionID(n.ID, "de-bfv")
	// The home organisation's identity, a newer version of it, and of
	// liaison's extension-definition; and a new version of its own object.
	forged := bundleObject(t, map[string]any{"type": "identity", "spec_version": "2.1", "id": stix.IdentityID("nl-aivd"),
		"created": "2020-01-01T00:00:00.000Z", "modified": "2030-01-01T00:00:00.000Z", "name": "Not the AIVD", "identity_class": "organization"})
	own := indicator(5, stix.TLPGreen)
	ownNewer := indicator(5, stix.TLPGreen)
	ownNewer["modified"] = "2026-02-02T03:04:05.000Z"
	st, err := partner.AddObjects(ctx, coll, []json.RawMessage{forged, bundleObject(t, own), bundleObject(t, ownNewer)})
	must(t, err)
	if st.SuccessCount != 2 || st.FailureCount != 1 || st.Failures[0].ID != stix.IdentityID("nl-aivd") {
		t.Fatalf("status %+v: want the forged identity refused and the partner's own versions stored", st)
	}
	if !strings.Contains(st.Failures[0].Message, "nl-aivd") {
		t.Errorf("the refusal does not say whose the identity is: %q", st.Failures[0].Message)
	}
}
