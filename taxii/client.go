package taxii

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultMaxResponseBytes is the bound on a response body of a Client whose
// MaxResponseBytes is zero.
const DefaultMaxResponseBytes = 64 << 20

// Errors a Client returns, wrapped with the request's method and URL; test
// for them with errors.Is. A server's error answer is a *Error instead.
var (
	// ErrResponseTooLarge: the response body is over the client's bound.
	ErrResponseTooLarge = errors.New("taxii: response body over the client's size bound")
	// ErrMediaType: a successful response is not application/taxii+json
	// (version 2.1, or no version).
	ErrMediaType = errors.New("taxii: response media type is not " + MediaType)
	// ErrInsecureURL: the URL is plain http to a host other than loopback,
	// and the client does not allow it.
	ErrInsecureURL = errors.New("taxii: plain http to a non-loopback host (TAXII requires HTTPS)")
)

// Client talks to TAXII 2.1 servers. The zero value is usable: it uses
// http.DefaultClient, no credentials, the User-Agent "liaison/<version>" and
// DefaultMaxResponseBytes. A Client is safe for concurrent use as long as
// its fields are not changed meanwhile.
//
// Every request carries "Accept: application/taxii+json;version=2.1", and
// every request with a body "Content-Type" the same. A 2xx answer whose body
// the method decodes must be application/taxii+json (version 2.1 or none),
// else the method fails with ErrMediaType. A non-2xx answer becomes a *Error,
// decoded from the TAXII error message the server sent or built from the
// status, with HTTPStatus always set to the status received, and wrapped
// with the request's method and URL.
//
// URLs: base URLs (server, API root, collection) are taken with or without
// their trailing slash and every endpoint path is sent with one, as TAXII
// requires. URLs must be https, or plain http to a loopback host (tests,
// local proxies) unless AllowHTTP; they must not carry credentials
// ("user:pass@") or a query. Redirects are followed only to URLs that pass
// the same check.
type Client struct {
	// HTTP sends the requests; nil means http.DefaultClient. Its Timeout
	// and Transport (TLS configuration, proxies) apply.
	HTTP *http.Client

	// Username and Password, when Username is set, are sent with HTTP
	// Basic authentication (RFC 7617).
	Username, Password string
	// Token, when set, is sent as "Authorization: Bearer <Token>". Setting
	// both Username and Token is an error at the first request.
	Token string

	// UserAgent is sent as the User-Agent header; "" means
	// "liaison/<version>", the version of the liaison module built in.
	UserAgent string

	// MaxResponseBytes bounds the body of a response, decompressed; a
	// larger one fails with ErrResponseTooLarge. Zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64

	// PageLimit, when positive, is the limit Pull asks for on each page;
	// zero leaves the page size to the server.
	PageLimit int

	// AllowHTTP allows plain http to any host. Credentials and content
	// then travel in clear: use it only behind a trusted TLS terminator.
	AllowHTTP bool
}

// PageInfo is what the X-TAXII-Date-Added-First and X-TAXII-Date-Added-Last
// headers of a paged response say: when the first and the last record of
// the page were added to the collection. A field is zero when the server
// did not send its header (an empty page, or a server that breaks the
// specification).
type PageInfo struct {
	DateAddedFirst time.Time
	DateAddedLast  time.Time
}

// StatusCode returns the HTTP status of the first *Error in err's chain, and
// 0 if there is none (the server was not reached, or answered 2xx but the
// answer was unusable).
func StatusCode(err error) int {
	var e *Error
	if !errors.As(err, &e) {
		return 0
	}
	n, _ := strconv.Atoi(e.HTTPStatus)
	return n
}

// CollectionURL returns the URL of collection id under the API root at
// apiRootURL ("{api-root}/collections/{id}/"), the URL that Objects, Pull
// and the other collection methods take.
func CollectionURL(apiRootURL, id string) (string, error) {
	u, err := endpoint(apiRootURL, "collections", id)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// Discovery gets the discovery resource of the server at serverURL. A
// serverURL without a path ("https://taxii.example") means the standard
// discovery endpoint /taxii2/; any other path is taken as the discovery
// endpoint itself. Relative API root URLs in the answer ("/api1/") are
// resolved against the discovery URL, so that APIRoots and Default hold
// absolute URLs; an API root that is not http(s) or has a query is an error.
// API roots may be on other servers: the Client sends its credentials to
// whatever URL it is given, so check the host before using one.
func (c *Client) Discovery(ctx context.Context, serverURL string) (*Discovery, error) {
	u, err := parseBase(serverURL)
	if err != nil {
		return nil, err
	}
	if u.Path == "/" {
		u.Path, u.RawPath = "/taxii2/", ""
	}
	var d Discovery
	if _, err := c.do(ctx, http.MethodGet, u, nil, &d); err != nil {
		return nil, err
	}
	resolve := func(s string) (string, error) {
		ref, err := url.Parse(s)
		if err != nil {
			return "", fmt.Errorf("taxii: discovery at %s: API root %q: %w", u.Redacted(), s, err)
		}
		abs := u.ResolveReference(ref)
		if abs.Scheme != "https" && abs.Scheme != "http" || abs.Host == "" || abs.RawQuery != "" || abs.ForceQuery {
			return "", fmt.Errorf("taxii: discovery at %s: API root %q: want an https URL or a path, without a query", u.Redacted(), s)
		}
		abs.Fragment, abs.RawFragment = "", ""
		return abs.String(), nil
	}
	for i, r := range d.APIRoots {
		if d.APIRoots[i], err = resolve(r); err != nil {
			return nil, err
		}
	}
	if d.Default != "" {
		if d.Default, err = resolve(d.Default); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// APIRoot gets the information resource of the API root at apiRootURL.
func (c *Client) APIRoot(ctx context.Context, apiRootURL string) (*APIRoot, error) {
	return get[APIRoot](ctx, c, apiRootURL)
}

// Collections lists the collections of the API root at apiRootURL that the
// client may see.
func (c *Client) Collections(ctx context.Context, apiRootURL string) (*Collections, error) {
	return get[Collections](ctx, c, apiRootURL, "collections")
}

// Collection gets collection id of the API root at apiRootURL.
func (c *Client) Collection(ctx context.Context, apiRootURL, id string) (*Collection, error) {
	return get[Collection](ctx, c, apiRootURL, "collections", id)
}

// Status gets status resource id of the API root at apiRootURL, the outcome
// of an AddObjects request.
func (c *Client) Status(ctx context.Context, apiRootURL, id string) (*Status, error) {
	return get[Status](ctx, c, apiRootURL, "status", id)
}

// Objects gets one page of the objects of the collection at collectionURL
// that f selects, oldest added first. The envelope's More and Next say
// whether and how to get the next page (see Pull, which does it).
func (c *Client) Objects(ctx context.Context, collectionURL string, f Filter) (*Envelope, PageInfo, error) {
	return getPage[Envelope](ctx, c, f, collectionURL, "objects")
}

// Object gets the versions of object objectID of the collection at
// collectionURL that f selects (by default the latest), in an envelope that
// may page like Objects.
func (c *Client) Object(ctx context.Context, collectionURL, objectID string, f Filter) (*Envelope, PageInfo, error) {
	return getPage[Envelope](ctx, c, f, collectionURL, "objects", objectID)
}

// Versions lists the versions of object objectID of the collection at
// collectionURL, one page at a time.
func (c *Client) Versions(ctx context.Context, collectionURL, objectID string, f Filter) (*Versions, PageInfo, error) {
	return getPage[Versions](ctx, c, f, collectionURL, "objects", objectID, "versions")
}

// Manifest gets one page of the manifest of the collection at
// collectionURL: a record (id, version, date added) for each object
// version that f selects.
func (c *Client) Manifest(ctx context.Context, collectionURL string, f Filter) (*Manifest, PageInfo, error) {
	return getPage[Manifest](ctx, c, f, collectionURL, "manifest")
}

// AddObjects posts objects, in one envelope, to the collection at
// collectionURL and returns the status resource the server answers with;
// its Status is "pending" until the server has processed every object (poll
// it with Status). Each object must be valid JSON, and there must be at
// least one.
func (c *Client) AddObjects(ctx context.Context, collectionURL string, objects []json.RawMessage) (*Status, error) {
	if len(objects) == 0 {
		return nil, errors.New("taxii: add objects: no objects")
	}
	u, err := endpoint(collectionURL, "objects")
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(Envelope{Objects: objects})
	if err != nil {
		return nil, fmt.Errorf("taxii: add objects to %s: %w", u.Redacted(), err)
	}
	var s Status
	if _, err := c.do(ctx, http.MethodPost, u, body, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteObject deletes object objectID, or the versions of it that f
// selects (match[version], match[spec_version]), from the collection at
// collectionURL.
func (c *Client) DeleteObject(ctx context.Context, collectionURL, objectID string, f Filter) error {
	u, err := endpoint(collectionURL, "objects", objectID)
	if err != nil {
		return err
	}
	if u.RawQuery, err = f.Query(); err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodDelete, u, nil, nil)
	return err
}

// get GETs the resource at base/segments…/ into a new T.
func get[T any](ctx context.Context, c *Client, base string, segments ...string) (*T, error) {
	u, err := endpoint(base, segments...)
	if err != nil {
		return nil, err
	}
	var v T
	if _, err := c.do(ctx, http.MethodGet, u, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// getPage GETs the paged resource at base/segments…/?f into a new T and
// reads its date-added headers.
func getPage[T any](ctx context.Context, c *Client, f Filter, base string, segments ...string) (*T, PageInfo, error) {
	u, err := endpoint(base, segments...)
	if err != nil {
		return nil, PageInfo{}, err
	}
	if u.RawQuery, err = f.Query(); err != nil {
		return nil, PageInfo{}, err
	}
	var v T
	h, err := c.do(ctx, http.MethodGet, u, nil, &v)
	if err != nil {
		return nil, PageInfo{}, err
	}
	var p PageInfo
	for _, x := range []struct {
		header string
		t      *time.Time
	}{{HeaderDateAddedFirst, &p.DateAddedFirst}, {HeaderDateAddedLast, &p.DateAddedLast}} {
		if s := h.Get(x.header); s != "" {
			if *x.t, err = ParseTimestamp(s); err != nil {
				return nil, PageInfo{}, fmt.Errorf("GET %s: header %s: %w", u.Redacted(), x.header, err)
			}
		}
	}
	return &v, p, nil
}

// do sends one request, with body as a TAXII body when it is not nil, and
// on a 2xx answer decodes the body into out unless out is nil. It returns
// the answer's headers. Every error names the method and URL.
func (c *Client) do(ctx context.Context, method string, u *url.URL, body []byte, out any) (http.Header, error) {
	h, err := c.roundTrip(ctx, method, u, body, out)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), err)
	}
	return h, nil
}

func (c *Client) roundTrip(ctx context.Context, method string, u *url.URL, body []byte, out any) (http.Header, error) {
	if err := c.checkURL(u); err != nil {
		return nil, err
	}
	if c.Username != "" && c.Token != "" {
		return nil, errors.New("taxii: client has both a username and a token: set one")
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", MediaType)
	if body != nil {
		req.Header.Set("Content-Type", MediaType)
	}
	req.Header.Set("User-Agent", c.userAgent())
	switch {
	case c.Username != "":
		req.SetBasicAuth(c.Username, c.Password)
	case c.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // do names the method and URL already
		}
		return nil, err
	}
	defer resp.Body.Close()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	data, readErr := readBounded(resp, limit)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, responseError(resp, data, readErr)
	}
	if readErr != nil {
		return nil, readErr
	}
	ct := resp.Header.Get("Content-Type")
	if out == nil {
		// Nothing to decode (DELETE): a media type, if any, must still be TAXII's.
		if ct != "" && len(data) > 0 && !isTAXII(ct) {
			return nil, fmt.Errorf("%w: got %q", ErrMediaType, ct)
		}
		return resp.Header, nil
	}
	if !isTAXII(ct) {
		return nil, fmt.Errorf("%w: got %q", ErrMediaType, ct)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return nil, fmt.Errorf("taxii: decoding the %d answer: %w", resp.StatusCode, err)
	}
	return resp.Header, nil
}

// readBounded reads resp's body, failing with ErrResponseTooLarge past
// limit bytes.
func readBounded(resp *http.Response, limit int64) ([]byte, error) {
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes announced, bound %d", ErrResponseTooLarge, resp.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("taxii: reading the answer: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, limit)
	}
	return data, nil
}

// responseError turns a non-2xx answer into a *Error: the TAXII error
// message in its body if there is one, else one built from the status (and
// from a short plain-text body).
func responseError(resp *http.Response, data []byte, readErr error) *Error {
	var e Error
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if readErr == nil && (isTAXII(ct) || mt == "application/json") {
		if json.Unmarshal(data, &e) != nil {
			e = Error{}
		}
	}
	if e.Title == "" {
		e.Title = http.StatusText(resp.StatusCode)
		if e.Title == "" {
			e.Title = "HTTP status " + strconv.Itoa(resp.StatusCode)
		}
		if readErr == nil && mt == "text/plain" && e.Description == "" {
			e.Description = snippet(data, 200)
		}
	}
	e.HTTPStatus = strconv.Itoa(resp.StatusCode)
	return &e
}

// snippet returns the first line of data, trimmed, cut to at most n bytes
// of valid UTF-8.
func snippet(data []byte, n int) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	if len(s) > n {
		s = s[:n]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return strings.ToValidUTF8(strings.TrimSpace(s), "")
}

// isTAXII reports whether the media type ct is TAXII 2.1's, or TAXII's
// without a version.
func isTAXII(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/taxii+json" {
		return false
	}
	v, ok := params["version"]
	return !ok || v == "2.1"
}

// checkURL refuses URLs a request must not go to.
func (c *Client) checkURL(u *url.URL) error {
	switch {
	case u.User != nil:
		return errors.New("taxii: URL carries credentials: use the client's Username and Password")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http":
		if c.AllowHTTP || isLoopback(u.Hostname()) {
			return nil
		}
		return ErrInsecureURL
	default:
		return fmt.Errorf("taxii: URL scheme %q: want https", u.Scheme)
	}
}

// isLoopback reports whether host names the local machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// httpClient returns the HTTP client to send with: c.HTTP (or the default)
// with a redirect policy that applies checkURL to every hop.
func (c *Client) httpClient() *http.Client {
	base := c.HTTP
	if base == nil {
		base = http.DefaultClient
	}
	hc := *base
	next := base.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := c.checkURL(req.URL); err != nil {
			return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &hc
}

// userAgent returns the User-Agent to send.
func (c *Client) userAgent() string {
	if c.UserAgent != "" {
		return c.UserAgent
	}
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == "github.com/liaison-dev/liaison" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		} else {
			for _, d := range bi.Deps {
				if d.Path == "github.com/liaison-dev/liaison" && d.Version != "" {
					v = d.Version
				}
			}
		}
	}
	return "liaison/" + v
}

// parseBase parses a base URL (server, API root, collection): absolute,
// without a query or fragment, its path ending in "/".
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("taxii: URL %q: %w", raw, err)
	}
	if u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("taxii: URL %q: want an absolute URL such as https://taxii.example/api1/", raw)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("taxii: URL %s: want no query or fragment", u.Redacted())
	}
	if !strings.HasSuffix(u.Path, "/") {
		p := u.EscapedPath() + "/"
		u.Path, u.RawPath = u.Path+"/", p
	}
	return u, nil
}

// endpoint returns base with each segment appended, escaped, and a
// trailing slash ("{base}/{s1}/{s2}/").
func endpoint(base string, segments ...string) (*url.URL, error) {
	u, err := parseBase(base)
	if err != nil {
		return nil, err
	}
	if len(segments) == 0 {
		return u, nil
	}
	p := u.EscapedPath()
	for _, s := range segments {
		if s == "" || s == "." || s == ".." {
			return nil, fmt.Errorf("taxii: URL %s: path segment %q: want an id", u.Redacted(), s)
		}
		p += url.PathEscape(s) + "/"
	}
	if u.Path, err = url.PathUnescape(p); err != nil {
		return nil, fmt.Errorf("taxii: URL %s: %w", u.Redacted(), err)
	}
	u.RawPath = p
	return u, nil
}
