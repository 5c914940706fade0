// Command taxiiload is a load generator for a TAXII 2.1 collection: C
// workers each page through the collection with GET …/objects/?limit=L,
// following "next" to the end and starting again, for a duration D. It
// reports requests per second, latency percentiles, and the mean latency
// of the first and last tenth of the pages of a walk, so that a paging cost
// that grows with depth shows.
//
//	go run ./bench/taxiiload -url http://127.0.0.1:8080/taxii2/liaison/collections/ID/ -token T -c 16 -d 20s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

type sample struct {
	page int // position of the page in its walk, from 0
	d    time.Duration
}

func main() {
	collURL := flag.String("url", "", "collection URL (…/collections/ID/)")
	token := flag.String("token", "", "bearer token")
	conc := flag.Int("c", 16, "concurrent workers")
	dur := flag.Duration("d", 20*time.Second, "duration")
	limit := flag.Int("limit", 100, "objects per page")
	flag.Parse()
	if *collURL == "" {
		fmt.Fprintln(os.Stderr, "taxiiload: -url is required")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conc * 2, MaxConnsPerHost: *conc * 2}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()

	var mu sync.Mutex
	var all []sample
	var errs, nbytes int64
	pagesPerWalk := 0
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var local []sample
			var buf bytes.Buffer
			var lerrs, lbytes int64
			next, page := "", 0
			// Stagger the workers through the collection.
			for ctx.Err() == nil {
				u, _ := url.Parse(*collURL + "objects/")
				q := u.Query()
				q.Set("limit", fmt.Sprint(*limit))
				if next != "" {
					q.Set("next", next)
				}
				u.RawQuery = q.Encode()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
				req.Header.Set("Accept", "application/taxii+json;version=2.1")
				req.Header.Set("Authorization", "Bearer "+*token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						lerrs++
					}
					continue
				}
				buf.Reset()
				_, err = buf.ReadFrom(resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				if err != nil || resp.StatusCode != http.StatusOK {
					if ctx.Err() == nil {
						lerrs++
					}
					next, page = "", 0
					continue
				}
				body := buf.Bytes()
				lbytes += int64(len(body))
				env, err := paging(body)
				if err != nil {
					lerrs++
					next, page = "", 0
					continue
				}
				local = append(local, sample{page: page, d: d})
				if env.More && env.Next != "" {
					next, page = env.Next, page+1
				} else {
					mu.Lock()
					pagesPerWalk = max(pagesPerWalk, page+1)
					mu.Unlock()
					next, page = "", 0
				}
			}
			mu.Lock()
			all = append(all, local...)
			errs += lerrs
			nbytes += lbytes
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(all) == 0 {
		fmt.Fprintf(os.Stderr, "taxiiload: no successful request (%d errors)\n", errs)
		os.Exit(1)
	}
	ds := make([]time.Duration, len(all))
	for i, s := range all {
		ds[i] = s.d
	}
	slices.Sort(ds)
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(float64(len(ds))*p))] }
	fmt.Printf("requests  %d in %s (%d errors), %.0f req/s, %.1f MB/s\n", len(all), elapsed.Round(time.Millisecond), errs,
		float64(len(all))/elapsed.Seconds(), float64(nbytes)/elapsed.Seconds()/1e6)
	fmt.Printf("latency   p50 %s  p90 %s  p99 %s  max %s\n", pct(0.50), pct(0.90), pct(0.99), ds[len(ds)-1])
	if pagesPerWalk >= 10 {
		tenth := pagesPerWalk / 10
		var first, last []time.Duration
		for _, s := range all {
			switch {
			case s.page < tenth:
				first = append(first, s.d)
			case s.page >= pagesPerWalk-tenth:
				last = append(last, s.d)
			}
		}
		fmt.Printf("paging    %d pages a walk; mean of the first tenth %s, of the last tenth %s\n",
			pagesPerWalk, mean(first), mean(last))
	}
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t / time.Duration(len(ds))
}

// envelope is what the load generator reads of a page.
type envelope struct {
	More bool   `json:"more"`
	Next string `json:"next"`
}

// paging reads "more" and "next" of an envelope. liaison writes them
// first, so that a client need not decode a whole page to go on: the
// start of the body is enough; other servers' envelopes are decoded whole.
func paging(body []byte) (envelope, error) {
	var env envelope
	head := body[:min(len(body), 512)]
	if i := bytes.Index(head, []byte(`"objects":`)); i > 0 {
		// Everything before the objects, closed: {"more":…,"next":…}.
		if err := json.Unmarshal(append(bytes.TrimRight(head[:i], ", "), '}'), &env); err == nil {
			return env, nil
		}
	}
	err := json.Unmarshal(body, &env)
	return env, err
}
