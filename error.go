package liaison

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: the API returns them to clients and scripts
// match on them. The HTTP layer maps each to a status in one table.
const (
	EINVALID      = "invalid"         // input fails validation
	EBADJSON      = "bad_json"        // a body that is not the JSON expected
	EMARKING      = "invalid_marking" // an unknown or contradictory marking
	EPERIOD       = "invalid_period"  // a validity period that ends before it starts
	EPARTIES      = "invalid_parties" // an agreement without two distinct parties
	ENOTFOUND     = "not_found"       // absent, or not visible to the caller
	ECONFLICT     = "conflict"        // clashes with what is stored
	EDENIED       = "policy_denied"   // the policy refused; Reasons say why
	EFORBIDDEN    = "forbidden"       // the caller's role does not allow the act
	EUNAUTHORIZED = "unauthorized"    // no valid credentials
	ETOOLARGE     = "too_large"       // a request body over the limit
	EINTERNAL     = "internal"        // a fault of ours; details are logged, not shown
)

// Reason is one reason of a policy decision: a stable code and a message a
// person can read.
type Reason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error is a domain error: a stable code, a message safe to show to the
// caller, and, for EDENIED, every reason the policy gave. Internal detail
// belongs in a wrapped error, never in Message.
type Error struct {
	Code    string
	Message string
	Reasons []Reason
	Err     error // internal cause, logged not shown
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic message for any other error, so that internal detail never reaches
// a caller.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorReasons returns the policy reasons carried by err, if any.
func ErrorReasons(err error) []Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reasons
	}
	return nil
}
