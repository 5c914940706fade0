package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/taxii"
)

// The TAXII 2.1 server lives under /taxii2/ with one API root. Every
// resource under it, the discovery resource included, requires
// authentication: the spec allows discovery to be open, but a node of an
// intelligence service tells nothing to a caller it does not know (deny by
// default).
const (
	taxiiDiscoveryPath = "/taxii2/"
	taxiiAPIRoot       = "/taxii2/liaison/"
)

// Page sizes of the TAXII endpoints that page. A request without limit
// gets taxiiDefaultPage; a larger limit than liaison.MaxObjectPage is
// served with liaison.MaxObjectPage and more set, as the spec allows.
const taxiiDefaultPage = 100

// ENOTACCEPTABLE is the error code of a request whose Accept header names
// no TAXII 2.1 media type (HTTP 406). It is as stable as the others.
const ENOTACCEPTABLE = "not_acceptable"

// taxiiChallenge is the WWW-Authenticate header of every TAXII 401: the
// server takes HTTP Basic (officer handle and token) and bearer tokens.
const taxiiChallenge = `Basic realm="liaison", Bearer`

// taxiiRoute is one TAXII endpoint: its method, its ServeMux pattern and
// the handler that serves it. The TAXII routes are not part of the REST
// API's table in routes.go (nor of docs/openapi.yaml): the TAXII 2.1
// specification describes them.
type taxiiRoute struct {
	Method  string
	Pattern string
	Handler taxiiHandler
}

// taxiiHandler serves one TAXII endpoint for an authenticated caller. It
// writes its own successful response, and returns an error, before writing
// anything, for the TAXII error the server is to send instead.
type taxiiHandler func(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error

// taxiiCaller is who called and their view of the node's objects.
type taxiiCaller struct {
	officer *liaison.Officer
	objects liaison.ObjectService
}

// taxiiCallerKey is the context key of the request's *taxiiCaller.
type taxiiCallerKey struct{}

// taxiiServer serves TAXII 2.1 under /taxii2/: discovery, one API root,
// status, collections, manifests, objects and versions. It authenticates
// every request, negotiates the TAXII media type, and answers every error
// in TAXII's error format.
type taxiiServer struct {
	backend  Backend
	log      *slog.Logger
	maxBody  int64
	mux      *http.ServeMux
	patterns map[string]bool
	// writers are 32 KiB buffered writers for streaming envelopes, so that
	// a page goes out in few large writes without holding it in memory.
	writers sync.Pool
}

// taxiiRoutes returns every TAXII endpoint.
func (s *taxiiServer) taxiiRoutes() []taxiiRoute {
	const get, post, del = http.MethodGet, http.MethodPost, http.MethodDelete
	const root, coll = taxiiAPIRoot, taxiiAPIRoot + "collections/{collection}/"
	return []taxiiRoute{
		{get, taxiiDiscoveryPath, s.serveDiscovery},
		{get, root, s.serveAPIRoot},
		{get, root + "status/{status}/", s.serveStatus},
		{get, root + "collections/", s.serveCollections},
		{get, coll, s.serveCollection},
		{get, coll + "manifest/", s.serveManifest},
		{get, coll + "objects/", s.serveObjects},
		{post, coll + "objects/", s.serveAddObjects},
		{get, coll + "objects/{object}/", s.serveObject},
		{del, coll + "objects/{object}/", s.serveDeleteObject},
		{get, coll + "objects/{object}/versions/", s.serveVersions},
	}
}

// addTAXIIRoutes mounts the TAXII server on mux under /taxii2/, behind the
// body limit. "/taxii2" without its slash is mounted too, so that it is
// answered (404, TAXII paths end in "/") rather than redirected.
func addTAXIIRoutes(mux *http.ServeMux, cfg Config) {
	h := limitBody(cfg.MaxBodyBytes)(newTAXIIServer(cfg))
	mux.Handle(taxiiDiscoveryPath, h)
	mux.Handle(strings.TrimSuffix(taxiiDiscoveryPath, "/"), h)
}

// newTAXIIServer returns the TAXII server of cfg, whose Logger and
// MaxBodyBytes NewServer has set.
func newTAXIIServer(cfg Config) *taxiiServer {
	s := &taxiiServer{
		backend:  cfg.Backend,
		log:      cfg.Logger,
		maxBody:  cfg.MaxBodyBytes,
		mux:      http.NewServeMux(),
		patterns: map[string]bool{},
	}
	s.writers.New = func() any { return bufio.NewWriterSize(nil, 32<<10) }
	for _, rt := range s.taxiiRoutes() {
		// {$} makes each pattern match its path exactly, not as a prefix.
		pattern := rt.Method + " " + rt.Pattern + "{$}"
		s.mux.Handle(pattern, s.endpoint(rt.Handler))
		s.patterns[pattern] = true
	}
	return s
}

// ServeHTTP authenticates the caller, then routes the request: a path
// without its trailing slash or unknown is 404, a known path asked with
// another method is 405 with Allow, all in TAXII's error format.
func (s *taxiiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer s.recoverPanic(w, r)
	caller, err := s.authenticate(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if info := requestInfoFrom(r.Context()); info != nil {
		info.officer = caller.officer.ID
	}
	if !strings.HasSuffix(r.URL.Path, "/") {
		s.writeError(w, r, liaison.Errorf(liaison.ENOTFOUND, "no TAXII endpoint at %s: TAXII paths end in /", r.URL.Path))
		return
	}
	h, pattern := s.mux.Handler(r)
	if !s.patterns[pattern] {
		probe := &discardBody{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			s.writeError(w, r, liaison.Errorf(EMETHOD, "%s is not allowed on %s", r.Method, r.URL.Path))
			return
		}
		s.writeError(w, r, liaison.Errorf(liaison.ENOTFOUND, "no TAXII endpoint at %s", r.URL.Path))
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), taxiiCallerKey{}, caller)))
}

// endpoint adapts a taxiiHandler to the mux: it answers 406 unless the
// request accepts TAXII 2.1, and sends the handler's error as a TAXII error.
func (s *taxiiServer) endpoint(h taxiiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, _ := r.Context().Value(taxiiCallerKey{}).(*taxiiCaller)
		if caller == nil {
			s.writeError(w, r, errors.New("taxii: a request reached an endpoint unauthenticated"))
			return
		}
		if !acceptsTAXII(r.Header.Values("Accept")) {
			s.writeError(w, r, liaison.Errorf(ENOTACCEPTABLE, "the Accept header must name %s (or application/taxii+json)", taxii.MediaType))
			return
		}
		if err := h(w, r, caller); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authenticate returns the caller of r: an officer who presents either
// "Authorization: Bearer TOKEN" or HTTP Basic with their handle as user
// and a token of theirs as password. Anything else is unauthorized; the
// error never says which part was wrong, nor holds the credentials.
func (s *taxiiServer) authenticate(r *http.Request) (*taxiiCaller, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, liaison.Errorf(liaison.EUNAUTHORIZED, "credentials are required: HTTP Basic with an officer handle and token, or a bearer token")
	}
	var user, token string
	if t, ok := bearerToken(header); ok {
		token = t
	} else if u, p, ok := r.BasicAuth(); ok && u != "" && p != "" {
		user, token = u, p
	} else {
		return nil, liaison.Errorf(liaison.EUNAUTHORIZED, "the Authorization header must hold HTTP Basic credentials (officer handle and token) or a bearer token")
	}
	o, err := s.backend.Authenticate(r.Context(), token)
	switch code := liaison.ErrorCode(err); {
	case code == liaison.EUNAUTHORIZED || code == liaison.ENOTFOUND || (err == nil && o == nil):
		// A backend that reports an unknown token as absent still means
		// the caller is not authenticated.
		return nil, errBadCredentials()
	case err != nil:
		return nil, fmt.Errorf("taxii: authenticate: %w", err)
	case user != "" && user != o.ID:
		// A valid token under another officer's handle is refused as any
		// bad credential is, so that it tells nothing about the token.
		return nil, errBadCredentials()
	}
	objects := s.backend.Objects(o)
	if objects == nil {
		return nil, errors.New("taxii: the backend gives no object service")
	}
	return &taxiiCaller{officer: o, objects: objects}, nil
}

// errBadCredentials is the one answer to credentials that do not
// authenticate, whatever was wrong with them.
func errBadCredentials() error {
	return liaison.Errorf(liaison.EUNAUTHORIZED, "the credentials are not valid")
}

// acceptsTAXII reports whether Accept headers name TAXII 2.1: the media
// type application/taxii+json with version 2.1 or no version, not refused
// by q=0. Wildcards (*/*, application/*) alone are not enough: TAXII
// requests must include a TAXII media range (TAXII 2.1 section 3.1), and
// a client that names none has not negotiated a TAXII version. A missing
// Accept header is refused for the same reason.
func acceptsTAXII(headers []string) bool {
	for _, h := range headers {
		if h == taxii.MediaType {
			return true // the usual header, without parsing
		}
		for part := range strings.SplitSeq(h, ",") {
			if isTAXII21(part, true) {
				return true
			}
		}
	}
	return false
}

// isTAXII21 reports whether the media type (or media range) mt is TAXII
// 2.1: application/taxii+json with version=2.1 or without a version.
// With quality, a q parameter of zero makes it not acceptable.
func isTAXII21(mt string, quality bool) bool {
	typ, params, err := mime.ParseMediaType(strings.TrimSpace(mt))
	if err != nil || typ != "application/taxii+json" {
		return false
	}
	if v, ok := params["version"]; ok && v != "2.1" {
		return false
	}
	if q, ok := params["q"]; ok && quality {
		f, err := strconv.ParseFloat(q, 64)
		if err != nil || f <= 0 {
			return false
		}
	}
	return true
}

// taxiiStatusOf returns the HTTP status of an error code, and whether the
// code is one the server sends as it is (otherwise: 500, internal).
func taxiiStatusOf(code string) (int, bool) {
	if code == ENOTACCEPTABLE {
		return http.StatusNotAcceptable, true
	}
	status, ok := statusByCode[code]
	return status, ok && status != http.StatusInternalServerError
}

// writeError sends err as a TAXII error message whose http_status is the
// response's status and whose error_code is liaison's code. Internal
// errors are logged with their detail and sent as "internal error".
func (s *taxiiServer) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := liaison.ErrorCode(err)
	status, known := taxiiStatusOf(code)
	msg := liaison.ErrorMessage(err)
	if !known {
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
		status, code, msg = http.StatusInternalServerError, liaison.EINTERNAL, "internal error"
	}
	e := taxii.Error{
		Title:       http.StatusText(status),
		Description: msg,
		ErrorCode:   code,
		HTTPStatus:  strconv.Itoa(status),
	}
	if reasons := liaison.ErrorReasons(err); known && len(reasons) > 0 {
		e.Details = map[string]any{"reasons": reasons}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", taxiiChallenge)
	}
	if err := writeTAXII(w, status, e); err != nil {
		s.log.ErrorContext(r.Context(), "writing a TAXII error", "path", r.URL.Path, "err", err)
	}
}

// recoverPanic turns a panic of a TAXII handler into a TAXII 500, and
// logs it. http.ErrAbortHandler goes on up, as net/http expects.
func (s *taxiiServer) recoverPanic(w http.ResponseWriter, r *http.Request) {
	if err := panicError(recover(), r); err != nil {
		s.writeError(w, r, err)
	}
}

// writeTAXII writes v as a TAXII resource with the given status. It
// marshals before writing, so that a value that cannot be encoded is an
// error the caller can still report.
func writeTAXII[T any](w http.ResponseWriter, status int, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	h := w.Header()
	h.Set("Content-Type", taxii.MediaType)
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}
