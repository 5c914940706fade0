package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
)

// serviceKey is the context key of the caller's liaison.Service.
type serviceKey struct{}

// serviceFrom returns the service that authenticate put in ctx, or nil.
func serviceFrom(ctx context.Context) liaison.Service {
	svc, _ := ctx.Value(serviceKey{}).(liaison.Service)
	return svc
}

// authenticate admits requests that carry a bearer token the backend
// knows, and puts the officer's service in their context. Others get 401
// with a WWW-Authenticate challenge.
func authenticate(b Backend, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, ok := bearerToken(r.Header.Get("Authorization"))
			if !ok {
				writeJSONError(w, r, log, liaison.EUNAUTHORIZED, "a bearer token is required")
				return
			}
			o, err := b.Authenticate(r.Context(), token)
			switch code := liaison.ErrorCode(err); {
			case code == liaison.ENOTFOUND || (err == nil && o == nil):
				// A backend that reports an unknown token as absent still
				// means the caller is not authenticated.
				writeError(w, r, log, &liaison.Error{Code: liaison.EUNAUTHORIZED, Message: "the bearer token is not valid", Err: err})
				return
			case err != nil:
				writeError(w, r, log, fmt.Errorf("authenticate: %w", err))
				return
			}
			if info := requestInfoFrom(r.Context()); info != nil {
				info.officer = o.ID
			}
			ctx := context.WithValue(r.Context(), serviceKey{}, b.As(o))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// bearerToken returns the token of an "Authorization: Bearer TOKEN" header.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	if token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// limitBody bounds request bodies to n bytes; decode reports a longer one
// as too_large.
func limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// securityHeaders marks every response as not to be sniffed, framed or
// cached: API answers carry classified material and must not linger in
// caches.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panicking handler into a 500 internal error, and
// logs the panic.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if err := panicError(recover(), r); err != nil {
					writeError(w, r, log, err)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// panicError is the error of a recovered panic v while serving r, nil
// when there was none. http.ErrAbortHandler goes on up, as net/http
// expects.
func panicError(v any, r *http.Request) error {
	if v == nil {
		return nil
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	err, ok := v.(error)
	if !ok {
		err = fmt.Errorf("%v", v)
	}
	return fmt.Errorf("panic serving %s %s: %w", r.Method, r.URL.Path, err)
}

// requestInfo is what inner handlers tell the request log: who called.
type requestInfo struct {
	officer string
}

// requestInfoKey is the context key of a *requestInfo.
type requestInfoKey struct{}

// requestInfoFrom returns the request's *requestInfo, or nil.
func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

// logRequests logs each request once it is served: method, path, status,
// duration and the officer who called. It logs neither the query string
// nor any header, so that no token or secret reaches the log.
func logRequests(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			info := &requestInfo{}
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				status := sw.status
				if status == 0 {
					status = http.StatusOK
				}
				level := slog.LevelInfo
				if status >= http.StatusInternalServerError {
					level = slog.LevelError
				}
				log.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Duration("duration", time.Since(start)),
					slog.Int64("bytes", sw.bytes),
					slog.String("officer", info.officer),
				)
			}()
			next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
		})
	}
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusWriter) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// unmatchedAsJSON serves requests through mux, but answers those that
// match no route in JSON: 404 for an unknown path, 405 (with Allow) for a
// known path asked with another method.
func unmatchedAsJSON(mux *http.ServeMux, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &discardBody{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			writeJSONError(w, r, log, EMETHOD, "%s is not allowed on %s", r.Method, r.URL.Path)
			return
		}
		writeJSONError(w, r, log, liaison.ENOTFOUND, "no route for %s %s", r.Method, r.URL.Path)
	})
}
