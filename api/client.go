package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
)

// maxErrorBody bounds how much of an error response the Client reads.
const maxErrorBody = 1 << 20

// Client is liaison.Service and assess.Service over the REST API of a
// node, acting as the officer whose token it holds. Errors the server
// sends come back as *liaison.Error with the same code, message and
// reasons as the service on the node gave; failures to reach the server
// are plain wrapped errors.
type Client struct {
	baseURL string
	token   string
	hc      *http.Client
}

// NewClient returns a Client of the node at baseURL (e.g.
// "https://liaison.example:8443") that presents token. A nil hc means
// http.DefaultClient.
func NewClient(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{baseURL: strings.TrimRight(baseURL, "/"), token: token, hc: hc}
}

// Health reports whether the server answers its health check.
func (c *Client) Health(ctx context.Context) error {
	var h health
	if err := c.do(ctx, http.MethodGet, "/healthz", nil, nil, &h); err != nil {
		return err
	}
	if h.Status != "ok" {
		return liaison.Errorf(liaison.EINTERNAL, "the server reports its health as %q", h.Status)
	}
	return nil
}

// Whoami returns the officer the token belongs to.
func (c *Client) Whoami(ctx context.Context) (*liaison.Officer, error) {
	return get[*liaison.Officer](ctx, c, "/api/v1/whoami", nil)
}

// Node returns the node's identity.
func (c *Client) Node(ctx context.Context) (*liaison.Node, error) {
	return get[*liaison.Node](ctx, c, "/api/v1/node", nil)
}

// CreateOrganisation registers o and completes it as the node stored it.
func (c *Client) CreateOrganisation(ctx context.Context, o *liaison.Organisation) error {
	return create(ctx, c, "/api/v1/organisations", o)
}

// Organisations lists the organisations.
func (c *Client) Organisations(ctx context.Context) ([]*liaison.Organisation, error) {
	return getList[*liaison.Organisation](ctx, c, "/api/v1/organisations", nil)
}

// Organisation returns one organisation.
func (c *Client) Organisation(ctx context.Context, id string) (*liaison.Organisation, error) {
	return get[*liaison.Organisation](ctx, c, "/api/v1/organisations/"+url.PathEscape(id), nil)
}

// CreateOfficer registers o, completes it as the node stored it, and
// returns the officer's first token.
func (c *Client) CreateOfficer(ctx context.Context, o *liaison.Officer) (string, error) {
	var out officerCreated
	if err := c.do(ctx, http.MethodPost, "/api/v1/officers", nil, o, &out); err != nil {
		return "", err
	}
	if out.Officer != nil {
		*o = *out.Officer
	}
	return out.Token, nil
}

// Officers lists the officers of an organisation, or all for "".
func (c *Client) Officers(ctx context.Context, orgID string) ([]*liaison.Officer, error) {
	return getList[*liaison.Officer](ctx, c, "/api/v1/officers", params("org", orgID))
}

// IssueToken makes a new token for an officer.
func (c *Client) IssueToken(ctx context.Context, officerID string) (string, error) {
	var out tokenIssued
	err := c.do(ctx, http.MethodPost, "/api/v1/officers/"+url.PathEscape(officerID)+"/tokens", nil, nil, &out)
	return out.Token, err
}

// CreateAgreement records a and completes it as the node stored it.
func (c *Client) CreateAgreement(ctx context.Context, a *liaison.Agreement) error {
	return create(ctx, c, "/api/v1/agreements", a)
}

// Agreements lists the agreements the caller may see.
func (c *Client) Agreements(ctx context.Context) ([]*liaison.Agreement, error) {
	return getList[*liaison.Agreement](ctx, c, "/api/v1/agreements", nil)
}

// Agreement returns one agreement.
func (c *Client) Agreement(ctx context.Context, id string) (*liaison.Agreement, error) {
	return get[*liaison.Agreement](ctx, c, "/api/v1/agreements/"+url.PathEscape(id), nil)
}

// SetAgreementStatus suspends, reactivates or terminates an agreement.
func (c *Client) SetAgreementStatus(ctx context.Context, id string, s liaison.AgreementStatus) (*liaison.Agreement, error) {
	return post[*liaison.Agreement](ctx, c, "/api/v1/agreements/"+url.PathEscape(id)+"/status", statusChange{Status: s})
}

// CreateProduct writes a product, or a new version of one.
func (c *Client) CreateProduct(ctx context.Context, d liaison.ProductDraft) (*liaison.Product, error) {
	return post[*liaison.Product](ctx, c, "/api/v1/products", d)
}

// Products lists the products the caller may see, newest first. A zero
// q.Limit means the server's page size.
func (c *Client) Products(ctx context.Context, q liaison.ProductQuery) ([]*liaison.Product, error) {
	v := url.Values{}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if !q.Before.IsZero() {
		v.Set("before", q.Before.Format(time.RFC3339Nano))
	}
	return getList[*liaison.Product](ctx, c, "/api/v1/products", v)
}

// Product returns a version of a product (0: the newest).
func (c *Client) Product(ctx context.Context, id string, version int) (*liaison.Product, error) {
	return get[*liaison.Product](ctx, c, "/api/v1/products/"+url.PathEscape(id), params("version", version))
}

// Decide asks the policy about an action on a product without acting.
func (c *Client) Decide(ctx context.Context, q liaison.DecisionQuery) (liaison.Decision, error) {
	v := params("action", string(q.Action), "to", q.To, "agreement", q.AgreementID, "new_marking", q.NewMarking, "version", q.Version)
	return get[liaison.Decision](ctx, c, "/api/v1/products/"+url.PathEscape(q.ProductID)+"/decision", v)
}

// Disseminate sends a product under the policy; a refusal is an
// EDENIED error with every reason.
func (c *Client) Disseminate(ctx context.Context, o liaison.DisseminationOrder) (*liaison.Dissemination, error) {
	return post[*liaison.Dissemination](ctx, c, "/api/v1/disseminations", o)
}

// Disseminations lists disseminations.
func (c *Client) Disseminations(ctx context.Context, f liaison.ListFilter) ([]*liaison.Dissemination, error) {
	return getList[*liaison.Dissemination](ctx, c, "/api/v1/disseminations", listParams(f))
}

// RequestRelease asks the originators of a product to consent to its
// release to a third party.
func (c *Client) RequestRelease(ctx context.Context, d liaison.ReleaseDraft) ([]*liaison.ReleaseRequest, error) {
	return post[[]*liaison.ReleaseRequest](ctx, c, "/api/v1/releases", d)
}

// DecideRelease answers a release request.
func (c *Client) DecideRelease(ctx context.Context, id string, d liaison.ReleaseDecision) (*liaison.ReleaseRequest, error) {
	return post[*liaison.ReleaseRequest](ctx, c, "/api/v1/releases/"+url.PathEscape(id)+"/decision", d)
}

// ReleaseRequests lists release requests.
func (c *Client) ReleaseRequests(ctx context.Context, f liaison.ReleaseFilter) ([]*liaison.ReleaseRequest, error) {
	v := params("org", f.OrgID, "product", f.ProductID, "status", string(f.Status))
	return getList[*liaison.ReleaseRequest](ctx, c, "/api/v1/releases", v)
}

// CreateRFI sends a request for information and completes r as stored.
func (c *Client) CreateRFI(ctx context.Context, r *liaison.RFI) error {
	return create(ctx, c, "/api/v1/rfis", r)
}

// RFIs lists requests for information.
func (c *Client) RFIs(ctx context.Context, f liaison.ListFilter) ([]*liaison.RFI, error) {
	return getList[*liaison.RFI](ctx, c, "/api/v1/rfis", listParams(f))
}

// AnswerRFI links a product that answers a request for information.
func (c *Client) AnswerRFI(ctx context.Context, id, productID string) (*liaison.RFI, error) {
	return post[*liaison.RFI](ctx, c, "/api/v1/rfis/"+url.PathEscape(id)+"/answers", rfiAnswer{ProductID: productID})
}

// CreateFeedback rates a product received and completes f as stored.
func (c *Client) CreateFeedback(ctx context.Context, f *liaison.Feedback) error {
	return create(ctx, c, "/api/v1/feedback", f)
}

// Feedback lists feedback.
func (c *Client) Feedback(ctx context.Context, f liaison.ListFilter) ([]*liaison.Feedback, error) {
	return getList[*liaison.Feedback](ctx, c, "/api/v1/feedback", listParams(f))
}

// CreateInteraction records a contact and completes i as stored.
func (c *Client) CreateInteraction(ctx context.Context, i *liaison.Interaction) error {
	return create(ctx, c, "/api/v1/interactions", i)
}

// Interactions lists interactions.
func (c *Client) Interactions(ctx context.Context, f liaison.ListFilter) ([]*liaison.Interaction, error) {
	return getList[*liaison.Interaction](ctx, c, "/api/v1/interactions", listParams(f))
}

// RecordBreach records a breach of a caveat and completes b as stored.
func (c *Client) RecordBreach(ctx context.Context, b *liaison.Breach) error {
	return create(ctx, c, "/api/v1/breaches", b)
}

// Breaches lists breaches.
func (c *Client) Breaches(ctx context.Context, f liaison.ListFilter) ([]*liaison.Breach, error) {
	return getList[*liaison.Breach](ctx, c, "/api/v1/breaches", listParams(f))
}

// SetThreatPriorities replaces an organisation's threat priorities and
// returns them as stored.
func (c *Client) SetThreatPriorities(ctx context.Context, orgID string, ps []liaison.ThreatPriority) ([]*liaison.ThreatPriority, error) {
	if ps == nil {
		ps = []liaison.ThreatPriority{}
	}
	var out list[*liaison.ThreatPriority]
	err := c.do(ctx, http.MethodPut, "/api/v1/organisations/"+url.PathEscape(orgID)+"/priorities", nil, prioritySet{Items: ps}, &out)
	return out.Items, err
}

// ThreatPriorities lists an organisation's current threat priorities, or
// for "" those of every organisation the caller may read.
func (c *Client) ThreatPriorities(ctx context.Context, orgID string) ([]*liaison.ThreatPriority, error) {
	if orgID == "" {
		return getList[*liaison.ThreatPriority](ctx, c, "/api/v1/priorities", nil)
	}
	return getList[*liaison.ThreatPriority](ctx, c, "/api/v1/organisations/"+url.PathEscape(orgID)+"/priorities", nil)
}

// SetCoverage replaces an organisation's coverage and returns it as stored.
func (c *Client) SetCoverage(ctx context.Context, orgID string, cs []liaison.Coverage) ([]*liaison.Coverage, error) {
	if cs == nil {
		cs = []liaison.Coverage{}
	}
	var out list[*liaison.Coverage]
	err := c.do(ctx, http.MethodPut, "/api/v1/organisations/"+url.PathEscape(orgID)+"/coverage", nil, coverageSet{Items: cs}, &out)
	return out.Items, err
}

// Coverage lists an organisation's current coverage, or for "" that of
// every organisation the caller may read.
func (c *Client) Coverage(ctx context.Context, orgID string) ([]*liaison.Coverage, error) {
	if orgID == "" {
		return getList[*liaison.Coverage](ctx, c, "/api/v1/coverage", nil)
	}
	return getList[*liaison.Coverage](ctx, c, "/api/v1/organisations/"+url.PathEscape(orgID)+"/coverage", nil)
}

// AuditEvents lists audit events after a sequence number, at most limit
// (0: the server's page size, as on the node). A limit beyond the server's
// largest page is fetched in as many pages as it takes.
func (c *Client) AuditEvents(ctx context.Context, afterSeq int64, limit int) ([]*liaison.AuditEvent, error) {
	if limit <= maxAuditPage {
		return getList[*liaison.AuditEvent](ctx, c, "/api/v1/audit", params("after", afterSeq, "limit", limit))
	}
	var all []*liaison.AuditEvent
	for len(all) < limit {
		page := min(maxAuditPage, limit-len(all))
		items, err := getList[*liaison.AuditEvent](ctx, c, "/api/v1/audit", params("after", afterSeq, "limit", page))
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) < page {
			break
		}
		afterSeq = items[len(items)-1].Seq
	}
	return all, nil
}

// VerifyAudit walks the node's whole audit chain.
func (c *Client) VerifyAudit(ctx context.Context) (liaison.AuditReport, error) {
	return get[liaison.AuditReport](ctx, c, "/api/v1/audit/verify", nil)
}

// Trust assesses the trust of one organisation in others.
func (c *Client) Trust(ctx context.Context, q assess.TrustQuery) (*assess.TrustReport, error) {
	v := params("truster", q.Truster, "trustee", q.Trustee, "at", q.At, "explain", q.Explain)
	return get[*assess.TrustReport](ctx, c, "/api/v1/trust", v)
}

// Ledger sums what was given and received between organisations.
func (c *Client) Ledger(ctx context.Context, q assess.LedgerQuery) (*assess.LedgerReport, error) {
	v := params("a", q.A, "b", q.B, "from", q.From, "to", q.To, "months", q.Months, "network", q.Network, "explain", q.Explain)
	return get[*assess.LedgerReport](ctx, c, "/api/v1/ledger", v)
}

// Typology classifies relationships and says when they changed class.
func (c *Client) Typology(ctx context.Context, q assess.TypologyQuery) (*assess.TypologyReport, error) {
	v := params("a", q.A, "b", q.B, "all", q.All, "at", q.At, "history", q.History, "explain", q.Explain)
	return get[*assess.TypologyReport](ctx, c, "/api/v1/typology", v)
}

// WhoCan ranks the partners that can help with a topic.
func (c *Client) WhoCan(ctx context.Context, q assess.WhoCanQuery) (*assess.WhoCanReport, error) {
	v := params("topic", q.Topic, "asker", q.Asker, "at", q.At, "explain", q.Explain)
	return get[*assess.WhoCanReport](ctx, c, "/api/v1/whocan", v)
}

// Alignment compares threat priorities and finds cooperation
// opportunities.
func (c *Client) Alignment(ctx context.Context, q assess.AlignmentQuery) (*assess.AlignmentReport, error) {
	v := params("a", q.A, "b", q.B, "at", q.At, "explain", q.Explain)
	return get[*assess.AlignmentReport](ctx, c, "/api/v1/alignment", v)
}

// Warnings lists what needs a liaison desk's attention.
func (c *Client) Warnings(ctx context.Context, q assess.WarningQuery) (*assess.WarningReport, error) {
	v := params("org", q.Org, "at", q.At, "lopsided_ratio", q.LopsidedRatio, "explain", q.Explain)
	return get[*assess.WarningReport](ctx, c, "/api/v1/warnings", v)
}

// get fetches path and decodes the answer as a T.
func get[T any](ctx context.Context, c *Client, path string, query url.Values) (T, error) {
	var v T
	err := c.do(ctx, http.MethodGet, path, query, nil, &v)
	return v, err
}

// getList fetches a list endpoint and returns its items.
func getList[T any](ctx context.Context, c *Client, path string, query url.Values) ([]T, error) {
	var l list[T]
	err := c.do(ctx, http.MethodGet, path, query, nil, &l)
	return l.Items, err
}

// post sends in to path and decodes the answer as a T.
func post[T any](ctx context.Context, c *Client, path string, in any) (T, error) {
	var v T
	err := c.do(ctx, http.MethodPost, path, nil, in, &v)
	return v, err
}

// create posts *v and replaces it with the record the server made of it,
// as the service on the node completes the value it is given.
func create[T any](ctx context.Context, c *Client, path string, v *T) error {
	out, err := post[*T](ctx, c, path, v)
	if err != nil {
		return err
	}
	if out != nil {
		*v = *out
	}
	return nil
}

// do sends one request and decodes a successful answer into out (unless
// nil). An error answer becomes the *liaison.Error it encodes.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("api: %s %s: encode request: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	u := c.baseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("api: %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("api: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return responseError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("api: %s %s: decode response: %w", method, path, err)
	}
	return nil
}

// responseError turns an error answer into an *liaison.Error: the one the
// body encodes, or, for an answer not from the API (a proxy's page), one
// whose code follows the status.
func responseError(resp *http.Response) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var er errorResponse
	if err == nil && json.Unmarshal(b, &er) == nil && er.Error.Code != "" {
		return &liaison.Error{Code: er.Error.Code, Message: er.Error.Message, Reasons: er.Error.Reasons}
	}
	code, ok := codeByStatus[resp.StatusCode]
	if !ok {
		code = liaison.EINTERNAL
	}
	return &liaison.Error{Code: code, Message: "the server answered " + resp.Status, Err: err}
}

// codeByStatus is the code of an error answer that carries none.
var codeByStatus = map[int]string{
	http.StatusBadRequest:            liaison.EINVALID,
	http.StatusUnauthorized:          liaison.EUNAUTHORIZED,
	http.StatusForbidden:             liaison.EFORBIDDEN,
	http.StatusNotFound:              liaison.ENOTFOUND,
	http.StatusMethodNotAllowed:      EMETHOD,
	http.StatusConflict:              liaison.ECONFLICT,
	http.StatusRequestEntityTooLarge: liaison.ETOOLARGE,
	http.StatusUnsupportedMediaType:  EMEDIATYPE,
	http.StatusNotImplemented:        ENOTIMPLEMENTED,
}

// params builds a query from name, value pairs, leaving out empty strings,
// zero numbers and times, and false: the server's defaults.
func params(pairs ...any) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		name := pairs[i].(string)
		switch x := pairs[i+1].(type) {
		case string:
			if x != "" {
				v.Set(name, x)
			}
		case int:
			if x != 0 {
				v.Set(name, strconv.Itoa(x))
			}
		case int64:
			if x != 0 {
				v.Set(name, strconv.FormatInt(x, 10))
			}
		case float64:
			if x != 0 {
				v.Set(name, strconv.FormatFloat(x, 'g', -1, 64))
			}
		case bool:
			if x {
				v.Set(name, "true")
			}
		case time.Time:
			if !x.IsZero() {
				v.Set(name, x.Format(time.RFC3339Nano))
			}
		default:
			panic(fmt.Sprintf("api: params: %s has a value of type %T", name, x))
		}
	}
	return v
}

// listParams is the query of a liaison.ListFilter.
func listParams(f liaison.ListFilter) url.Values {
	return params("org", f.OrgID, "product", f.ProductID, "limit", f.Limit)
}

var (
	_ liaison.Service = (*Client)(nil)
	_ assess.Service  = (*Client)(nil)
)
