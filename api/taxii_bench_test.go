package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/liaison-dev/liaison/desk"
	"github.com/liaison-dev/liaison/stix"
	"github.com/liaison-dev/liaison/taxii"
)

// benchObjects is the size of the collection the TAXII benchmark serves.
const benchObjects = 100_000

// attackLike returns n ATT&CK-like objects: the objects of the ATT&CK for
// ICS bundle, again and again, with every UUID in them (ids and
// references alike) rewritten for each round, so that each round is a
// bundle of its own, consistent in itself.
func attackLike(b *testing.B, n int) []json.RawMessage {
	b.Helper()
	bundle := readBundle(b, icsAttack)
	// The marking-definition first, so that the importer need hold back
	// no object for it.
	slices.SortStableFunc(bundle, func(x, y json.RawMessage) int {
		return bool2int(!bytes.Contains(x, []byte(`"type":"marking-definition"`))) - bool2int(!bytes.Contains(y, []byte(`"type":"marking-definition"`)))
	})
	out := make([]json.RawMessage, 0, n)
	for round := uint32(0); len(out) < n; round++ {
		for _, raw := range bundle {
			if len(out) == n {
				break
			}
			out = append(out, rewriteUUIDs(raw, round))
		}
	}
	return out
}

// rewriteUUIDs returns raw with the first group of every UUID that follows
// "--" (a STIX id) xored with a key derived from round; the official TLP
// marking-definitions keep their ids. Round 0 is raw itself.
func rewriteUUIDs(raw json.RawMessage, round uint32) json.RawMessage {
	if round == 0 {
		return raw
	}
	out := bytes.Clone(raw)
	key := round * 0x9e3779b1
	for i := 0; ; {
		j := bytes.Index(out[i:], []byte("--"))
		if j < 0 {
			return out
		}
		u := i + j + 2
		i = u
		if u+36 > len(out) || !isUUID(out[u:u+36]) {
			continue
		}
		if _, tlp := stix.TLPLevel("marking-definition--" + string(out[u:u+36])); tlp {
			continue
		}
		var group [4]byte
		if _, err := hex.Decode(group[:], out[u:u+8]); err != nil {
			continue
		}
		binary.BigEndian.PutUint32(group[:], binary.BigEndian.Uint32(group[:])^key)
		hex.Encode(out[u:u+8], group[:])
		i = u + 36
	}
}

func bool2int(v bool) int {
	if v {
		return 1
	}
	return 0
}

func isUUID(b []byte) bool {
	for k, c := range b {
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// BenchmarkTAXIIObjectsSQLite serves GET …/objects/?limit=100 from a home
// collection of 100,000 ATT&CK-like objects, through the whole stack: an
// HTTP client on loopback, api.NewServer, the desk and SQLite.
//
//   - first_page: the first page, one request at a time.
//   - end_page: a page at the end of the collection (the 914th of 1,001),
//     asked with the next cursor a walk through the collection gave, that
//     holds the same objects as the first (ids aside); x_first_page is
//     its cost over the first page's.
//   - walk: paging through the whole collection with next, reporting the
//     mean latency of the first and the last tenth of the pages.
//   - parallel: 16 clients each walking the collection from a different
//     place, reporting requests per second and latency percentiles.
func BenchmarkTAXIIObjectsSQLite(b *testing.B) {
	f := newStoreFixture(b)
	start := time.Now()
	objs := attackLike(b, benchObjects)
	generated := time.Since(start)
	ctx := context.Background()
	im, err := f.desk.NewImporter(ctx, f.admin.Officer, desk.ImportOptions{Source: "benchmark"})
	if err != nil {
		b.Fatal(err)
	}
	im.OnResult(func(r desk.ImportResult) {
		if r.Err != nil {
			b.Fatalf("object %d %s rejected: %v", r.Index, r.ID, r.Err)
		}
	})
	if err := im.Add(ctx, objs); err != nil {
		b.Fatal(err)
	}
	if err := im.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if rep := im.Report(); rep.Stored != benchObjects || rep.Rejected != 0 {
		b.Fatalf("import: %+v, want %d stored", rep, benchObjects)
	}
	b.Logf("setup: %d objects generated in %s, imported in %s", len(objs), generated.Round(time.Millisecond),
		(time.Since(start) - generated).Round(time.Millisecond))
	// Served as liaison serve serves it: the database opened afresh.
	f.reopen(b)

	c := newBenchClient(f, f.admin.bearer())
	firstPage := f.srv.URL + f.homePath + "objects/?limit=100"
	// One walk through the collection gives the cursor of every page.
	cursors := []string{""}
	for {
		next := nextOf(c.get(b, pageURL(firstPage, cursors[len(cursors)-1])))
		if next == "" {
			break
		}
		cursors = append(cursors, next)
	}
	if want := benchObjects/100 + 1; len(cursors) < benchObjects/100 || len(cursors) > want {
		b.Fatalf("%d pages of 100 for %d objects", len(cursors), benchObjects)
	}
	// The collection repeats the ICS bundle: the page that many rounds
	// later starts where the first page does holds the same objects (ids
	// aside), at the end of the collection.
	rounds := len(readBundle(b, icsAttack))
	endPage := 0
	for p := 1; p < len(cursors); p++ {
		if p*100%rounds == 0 {
			endPage = p
		}
	}
	if endPage < len(cursors)*9/10 {
		b.Fatalf("no page like the first at the end: %d of %d", endPage, len(cursors))
	}
	end := pageURL(firstPage, cursors[endPage])
	// (They differ by what the collection held before the import, which
	// the first page begins with, and by their next.)
	if a, z := len(c.get(b, firstPage)), len(c.get(b, end)); z < a*99/100 || z > a*101/100 {
		b.Fatalf("page %d is %d bytes, the first %d", endPage, z, a)
	}
	b.Logf("setup done in %s; %d pages of 100", time.Since(start).Round(time.Millisecond), len(cursors))

	// The server alone, without the network or a client: the handler
	// called in the benchmark's goroutine, its CPU time per request
	// (garbage collection included) measured as well as the time.
	for _, bb := range []struct{ name, url string }{{"server_only_first_page", firstPage}, {"server_only_end_page", end}} {
		b.Run(bb.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bb.url, nil)
			req.Header.Set("Accept", taxii.MediaType)
			req.Header.Set("Authorization", f.admin.bearer())
			w := &discardWriter{header: http.Header{}}
			cpu0 := cpuTime()
			for b.Loop() {
				clear(w.header)
				w.status, w.n = 0, 0
				f.handler.ServeHTTP(w, req)
				if w.status != http.StatusOK || w.n == 0 {
					b.Fatalf("status %d, %d bytes", w.status, w.n)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(w.n), "bytes/page")
		})
	}

	var first time.Duration
	b.Run("first_page", func(b *testing.B) {
		for b.Loop() {
			c.get(b, firstPage)
		}
		first = b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	b.Run("end_page", func(b *testing.B) {
		for b.Loop() {
			c.get(b, end)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		if first > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(first), "x_first_page")
		}
	})
	b.Run("walk", func(b *testing.B) {
		var head, tail []time.Duration
		tenth := len(cursors) / 10
		for b.Loop() {
			next := ""
			for page := 0; ; page++ {
				t0 := time.Now()
				body := c.get(b, pageURL(firstPage, next))
				d := time.Since(t0)
				switch {
				case page < tenth:
					head = append(head, d)
				case page >= len(cursors)-tenth:
					tail = append(tail, d)
				}
				if next = nextOf(body); next == "" {
					break
				}
			}
		}
		h, t := mean(head), mean(tail)
		b.ReportMetric(float64(h.Microseconds())/1000, "ms/first-tenth-page")
		b.ReportMetric(float64(t.Microseconds())/1000, "ms/last-tenth-page")
		b.ReportMetric(float64(t)/float64(h), "last/first")
	})
	b.Run("parallel", func(b *testing.B) {
		var mu sync.Mutex
		var all []time.Duration
		worker := 0
		b.SetParallelism(8) // 16 clients on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			mu.Lock()
			page := worker * len(cursors) / 16 % len(cursors)
			worker++
			mu.Unlock()
			var lat []time.Duration
			next := cursors[page]
			for pb.Next() {
				t0 := time.Now()
				body := c.get(b, pageURL(firstPage, next))
				lat = append(lat, time.Since(t0))
				next = nextOf(body)
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
		slices.Sort(all)
		pct := func(p float64) float64 {
			return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
		}
		b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "req/s")
		b.ReportMetric(pct(0.50), "ms-p50")
		b.ReportMetric(pct(0.99), "ms-p99")
	})
}

// discardWriter is a ResponseWriter that counts what it is sent.
type discardWriter struct {
	header http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

// benchClient asks a TAXII server for pages over keep-alive connections.
type benchClient struct {
	client *http.Client
	auth   string
}

func newBenchClient(f *storeFixture, auth string) *benchClient {
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64, DisableCompression: true}
	return &benchClient{client: &http.Client{Transport: tr}, auth: auth}
}

func pageURL(first, next string) string {
	if next == "" {
		return first
	}
	return first + "&next=" + next
}

// get returns the body of a 200 answer to GET u.
func (c *benchClient) get(b *testing.B, u string) []byte {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept", taxii.MediaType)
	req.Header.Set("Authorization", c.auth)
	resp, err := c.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %s: %s", u, resp.Status, body)
	}
	return body
}

// nextOf returns the next of an envelope, "" when it has no more. The
// server writes more and next first; the rest of the page is not read.
func nextOf(body []byte) string {
	const head = `{"more":true,"next":"`
	if !bytes.HasPrefix(body, []byte(head)) {
		if bytes.HasPrefix(body, []byte(`{"more":true`)) {
			panic(fmt.Sprintf("an envelope with more and without next: %.80s", body))
		}
		return ""
	}
	rest := body[len(head):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		panic("a truncated envelope")
	}
	return string(rest[:end])
}
