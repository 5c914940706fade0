package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
)

// endpoint does the work of one route for the caller whose view of the
// node is svc (nil on public routes). It returns the status and the value
// to send, or an error that writeError maps to a status.
type endpoint func(r *http.Request, svc liaison.Service) (status int, body any, err error)

// serveEndpoint adapts an endpoint to an http.Handler.
func serveEndpoint(e endpoint, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, body, err := e(r, serviceFrom(r.Context()))
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		if err := encode(w, status, body); err != nil {
			writeError(w, r, log, err)
		}
	})
}

// statusByCode maps every error code the API sends to its HTTP status.
// A code not in the table is a fault of ours and is sent as internal.
var statusByCode = map[string]int{
	liaison.EINVALID:      http.StatusBadRequest,
	liaison.EBADJSON:      http.StatusBadRequest,
	liaison.EMARKING:      http.StatusBadRequest,
	liaison.EPERIOD:       http.StatusBadRequest,
	liaison.EPARTIES:      http.StatusBadRequest,
	liaison.EUNAUTHORIZED: http.StatusUnauthorized,
	liaison.EFORBIDDEN:    http.StatusForbidden,
	liaison.EDENIED:       http.StatusForbidden,
	liaison.ENOTFOUND:     http.StatusNotFound,
	EMETHOD:               http.StatusMethodNotAllowed,
	liaison.ECONFLICT:     http.StatusConflict,
	liaison.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	EMEDIATYPE:            http.StatusUnsupportedMediaType,
	liaison.EINTERNAL:     http.StatusInternalServerError,
	ENOTIMPLEMENTED:       http.StatusNotImplemented,
}

// errorResponse is the body of every error the API sends.
type errorResponse struct {
	Error errorJSON `json:"error"`
}

// errorJSON is an error on the wire. Reasons are present, possibly empty,
// for policy_denied, and absent otherwise unless the error carries some.
type errorJSON struct {
	Code    string           `json:"code"`
	Message string           `json:"message"`
	Reasons []liaison.Reason `json:"reasons,omitzero"`
}

// writeError sends err as a JSON error with the status of its code.
// Internal errors are logged with their detail and sent as "internal
// error", so that no detail reaches the caller.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	code := liaison.ErrorCode(err)
	status, known := statusByCode[code]
	body := errorJSON{Code: code, Message: liaison.ErrorMessage(err), Reasons: liaison.ErrorReasons(err)}
	if !known || status == http.StatusInternalServerError {
		log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
		status = http.StatusInternalServerError
		body = errorJSON{Code: liaison.EINTERNAL, Message: "internal error"}
	}
	if code == liaison.EDENIED && body.Reasons == nil {
		body.Reasons = []liaison.Reason{}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="liaison"`)
	}
	if err := encode(w, status, errorResponse{Error: body}); err != nil {
		log.ErrorContext(r.Context(), "writing an error", "path", r.URL.Path, "err", err)
	}
}

// encode writes v as the JSON body of a response with the given status.
// It marshals before writing, so that a value that cannot be encoded is an
// error the caller can still report rather than half a body.
func encode[T any](w http.ResponseWriter, status int, v T) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// decode reads the request body as one JSON value of type T: the body must
// be application/json, within the size limit, hold no field T does not
// have, and nothing after the value.
func decode[T any](r *http.Request) (T, error) {
	var v T
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return v, liaison.Errorf(EMEDIATYPE, "the request body must be application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, decodeError(err)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return v, nil
	case isTooLarge(err):
		return v, decodeError(err)
	default:
		return v, liaison.Errorf(liaison.EBADJSON, "unexpected data after the JSON value")
	}
}

// decodeError turns an error of the JSON decoder into an *liaison.Error
// whose message says what is wrong with the body.
func decodeError(err error) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		tooLarge *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooLarge):
		return &liaison.Error{Code: liaison.ETOOLARGE, Message: fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit), Err: err}
	case errors.Is(err, io.EOF):
		return &liaison.Error{Code: liaison.EBADJSON, Message: "the request body is empty", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &liaison.Error{Code: liaison.EBADJSON, Message: "the request body ends inside the JSON value", Err: err}
	case errors.As(err, &syntax):
		return &liaison.Error{Code: liaison.EBADJSON, Message: fmt.Sprintf("malformed JSON at byte %d", syntax.Offset), Err: err}
	case errors.As(err, &typeErr):
		return &liaison.Error{Code: liaison.EBADJSON, Message: fmt.Sprintf("field %q: a JSON %s where %s was expected", typeErr.Field, typeErr.Value, typeErr.Type), Err: err}
	}
	msg := err.Error()
	if i := strings.Index(msg, "unknown field "); i >= 0 {
		return &liaison.Error{Code: liaison.EBADJSON, Message: msg[i:], Err: err}
	}
	msg = strings.TrimPrefix(msg, "json: ")
	return &liaison.Error{Code: liaison.EBADJSON, Message: "invalid JSON: " + msg, Err: err}
}

// isTooLarge reports whether err says the body went over its limit.
func isTooLarge(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}

// queryInt returns the integer query parameter name, or 0 when absent.
func queryInt(r *http.Request, name string) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, liaison.Errorf(liaison.EINVALID, "query parameter %s: %q is not a whole number", name, s)
	}
	return n, nil
}

// queryTime returns the RFC 3339 time query parameter name, or the zero
// time when absent.
func queryTime(r *http.Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	return parseQueryTime(name, s)
}

// parseQueryTime reads s, the value of the query parameter name, as an
// RFC 3339 time. A space where the offset's "+" belongs is the usual
// mistake of a hand-written URL, in which "+" means a space; the error
// says so.
func parseQueryTime(name, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		hint := ""
		if strings.Contains(s, " ") {
			hint = ` (a "+" in a URL must be written %2B)`
		}
		return time.Time{}, liaison.Errorf(liaison.EINVALID, "query parameter %s: %q is not an RFC 3339 time such as 2026-01-31T09:00:00Z%s", name, s, hint)
	}
	// Answers reach a year or two either side of the time asked, and
	// must stay within what a timestamp can encode.
	if t.Year() < 1900 || t.Year() >= 9000 {
		return time.Time{}, liaison.Errorf(liaison.EINVALID, "query parameter %s: %s is not between 1900 and 9000", name, s)
	}
	return t, nil
}

// queryLimit returns the limit query parameter: def when absent, an error
// above most.
func queryLimit(r *http.Request, def, most int) (int, error) {
	n, err := queryInt(r, "limit")
	switch {
	case err != nil:
		return 0, err
	case n == 0:
		return def, nil
	case n > most:
		return 0, liaison.Errorf(liaison.EINVALID, "query parameter limit: %d is more than %d", n, most)
	}
	return n, nil
}

// writeJSONError is writeError for handlers outside the route table (the
// mux's own not-found and method-not-allowed answers).
func writeJSONError(w http.ResponseWriter, r *http.Request, log *slog.Logger, code, format string, args ...any) {
	writeError(w, r, log, liaison.Errorf(code, format, args...))
}

// discardBody is an http.ResponseWriter that keeps the status and headers
// a handler sets and drops its body; unmatchedAsJSON uses it to learn what
// the mux would have answered.
type discardBody struct {
	header http.Header
	status int
}

func (d *discardBody) Header() http.Header { return d.header }

func (d *discardBody) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

func (d *discardBody) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return len(b), nil
}
