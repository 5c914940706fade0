// Package api serves a liaison node over HTTP and talks to one.
//
// The server exposes liaison.Service as a REST API under /api/v1 to
// officers who present a bearer token; docs/openapi.yaml describes every
// route. Errors travel as {"error":{"code":…,"message":…}} with the stable
// codes of package liaison, and the policy's reasons when it refused. The
// same API answers assess.Service (trust, ledger, typology, who-can,
// alignment, warnings; assess.go) when the caller's service does. The
// Client implements liaison.Service and assess.Service against that API
// and turns error responses back into *liaison.Error, so that the CLI
// behaves the same against a server as on a data directory.
//
// The same handler serves TAXII 2.1 under /taxii2/ (taxii.go) from each
// caller's liaison.ObjectService, to officers who present HTTP Basic
// credentials (handle and token) or a bearer token; its errors are TAXII
// error messages.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/liaison-dev/liaison"
)

// DefaultMaxBodyBytes bounds a request body when Config.MaxBodyBytes is not set.
const DefaultMaxBodyBytes = 1 << 20

// Error codes of the HTTP layer, beside those of package liaison. They are
// as stable as those.
const (
	EMEDIATYPE      = "unsupported_media_type" // a request body that is not application/json
	EMETHOD         = "method_not_allowed"     // a route that exists, asked with the wrong method
	ENOTIMPLEMENTED = "not_implemented"        // a route the node's service does not answer (it is no assess.Service)
)

// Backend is what the server needs of a node: it turns a bearer token into
// an officer, and gives that officer's view of the node. *desk.Desk is one.
type Backend interface {
	// Authenticate returns the officer a token belongs to, or an error
	// with code liaison.EUNAUTHORIZED.
	Authenticate(ctx context.Context, token string) (*liaison.Officer, error)
	// As returns the service acting for o.
	As(o *liaison.Officer) liaison.Service
	// Objects returns o's access to the node's STIX objects, which the
	// TAXII server under /taxii2/ serves.
	Objects(o *liaison.Officer) liaison.ObjectService
}

// Config holds the server's dependencies.
type Config struct {
	// Backend authenticates callers and acts for them. Required.
	Backend Backend
	// Logger receives request logs and the detail of internal errors;
	// nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// NewServer returns the HTTP handler of the API: the routes of routes.go
// behind panic recovery, request logging and security headers. It panics
// if cfg.Backend is nil, which is a wiring mistake.
func NewServer(cfg Config) http.Handler {
	if cfg.Backend == nil {
		panic("api: NewServer: Config.Backend is nil")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	mux := http.NewServeMux()
	addRoutes(mux, cfg)
	var h http.Handler = unmatchedAsJSON(mux, cfg.Logger)
	h = securityHeaders(h)
	h = recoverPanics(cfg.Logger)(h)
	h = logRequests(cfg.Logger)(h)
	return h
}
