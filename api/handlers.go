package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/liaison-dev/liaison"
)

// Page sizes of the paged lists.
const (
	defaultProductPage = 100
	maxProductPage     = 1000
	defaultAuditPage   = 100
	maxAuditPage       = 1000
)

func handleHealthz() endpoint {
	return func(*http.Request, liaison.Service) (int, any, error) {
		return http.StatusOK, health{Status: "ok"}, nil
	}
}

func handleWhoami() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return found(svc.Whoami(r.Context()))
	}
}

func handleNode() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return found(svc.Node(r.Context()))
	}
}

func handleOrganisationList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return listed(svc.Organisations(r.Context()))
	}
}

func handleOrganisationCreate() endpoint {
	return created(liaison.Service.CreateOrganisation)
}

func handleOrganisationGet() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return found(svc.Organisation(r.Context(), r.PathValue("id")))
	}
}

func handlePrioritiesList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return listed(svc.ThreatPriorities(r.Context(), r.URL.Query().Get("org")))
	}
}

func handleCoverageList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return listed(svc.Coverage(r.Context(), r.URL.Query().Get("org")))
	}
}

func handlePrioritiesGet() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return listed(svc.ThreatPriorities(r.Context(), r.PathValue("id")))
	}
}

func handlePrioritiesPut() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		in, err := decode[prioritySet](r)
		if err != nil {
			return 0, nil, err
		}
		return listed(svc.SetThreatPriorities(r.Context(), r.PathValue("id"), in.Items))
	}
}

func handleCoverageGet() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return listed(svc.Coverage(r.Context(), r.PathValue("id")))
	}
}

func handleCoveragePut() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		in, err := decode[coverageSet](r)
		if err != nil {
			return 0, nil, err
		}
		return listed(svc.SetCoverage(r.Context(), r.PathValue("id"), in.Items))
	}
}

func handleOfficerList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return listed(svc.Officers(r.Context(), r.URL.Query().Get("org")))
	}
}

func handleOfficerCreate() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		o, err := decode[liaison.Officer](r)
		if err != nil {
			return 0, nil, err
		}
		token, err := svc.CreateOfficer(r.Context(), &o)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, officerCreated{Officer: &o, Token: token}, nil
	}
}

func handleTokenIssue() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		token, err := svc.IssueToken(r.Context(), r.PathValue("id"))
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, tokenIssued{Token: token}, nil
	}
}

func handleAgreementList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return listed(svc.Agreements(r.Context()))
	}
}

func handleAgreementCreate() endpoint {
	return created(liaison.Service.CreateAgreement)
}

func handleAgreementGet() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return found(svc.Agreement(r.Context(), r.PathValue("id")))
	}
}

func handleAgreementStatus() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		c, err := decode[statusChange](r)
		if err != nil {
			return 0, nil, err
		}
		return found(svc.SetAgreementStatus(r.Context(), r.PathValue("id"), c.Status))
	}
}

func handleProductList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		limit, err := queryLimit(r, defaultProductPage, maxProductPage)
		if err != nil {
			return 0, nil, err
		}
		before, err := queryTime(r, "before")
		if err != nil {
			return 0, nil, err
		}
		ps, err := svc.Products(r.Context(), liaison.ProductQuery{Limit: limit, Before: before})
		if err != nil {
			return 0, nil, err
		}
		page := listOf(productsOut(ps))
		if len(ps) == limit {
			// See the report on ProductQuery: the service does not say
			// when a product was received, so the page ends at the
			// creation time of its last product.
			page.NextBefore = ps[len(ps)-1].HeldAt
		}
		return http.StatusOK, page, nil
	}
}

func handleProductCreate() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		d, err := decode[liaison.ProductDraft](r)
		if err != nil {
			return 0, nil, err
		}
		p, err := svc.CreateProduct(r.Context(), d)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, productOut(p), nil
	}
}

func handleProductGet() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		version, err := queryInt(r, "version")
		if err != nil {
			return 0, nil, err
		}
		p, err := svc.Product(r.Context(), r.PathValue("id"), version)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, productOut(p), nil
	}
}

func handleProductDecision() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		q := r.URL.Query()
		action := liaison.Action(q.Get("action"))
		if !action.Valid() {
			names := make([]string, len(liaison.Actions))
			for i, a := range liaison.Actions {
				names[i] = string(a)
			}
			return 0, nil, liaison.Errorf(liaison.EINVALID, "query parameter action: %q is not one of %s", action, strings.Join(names, ", "))
		}
		version, err := queryInt(r, "version")
		if err != nil {
			return 0, nil, err
		}
		d, err := svc.Decide(r.Context(), liaison.DecisionQuery{
			ProductID:   r.PathValue("id"),
			Version:     version,
			Action:      action,
			To:          q.Get("to"),
			AgreementID: q.Get("agreement"),
			NewMarking:  q.Get("new_marking"),
		})
		if err != nil {
			return 0, nil, err
		}
		if d.Reasons == nil {
			d.Reasons = []liaison.Reason{}
		}
		return http.StatusOK, d, nil
	}
}

func handleDisseminationList() endpoint {
	return listedBy(liaison.Service.Disseminations)
}

func handleDisseminationCreate() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		o, err := decode[liaison.DisseminationOrder](r)
		if err != nil {
			return 0, nil, err
		}
		d, err := svc.Disseminate(r.Context(), o)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, d, nil
	}
}

func handleReleaseList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		q := r.URL.Query()
		return listed(svc.ReleaseRequests(r.Context(), liaison.ReleaseFilter{
			OrgID:     q.Get("org"),
			ProductID: q.Get("product"),
			Status:    liaison.ReleaseStatus(q.Get("status")),
		}))
	}
}

func handleReleaseCreate() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		d, err := decode[liaison.ReleaseDraft](r)
		if err != nil {
			return 0, nil, err
		}
		reqs, err := svc.RequestRelease(r.Context(), d)
		if err != nil {
			return 0, nil, err
		}
		if reqs == nil {
			reqs = []*liaison.ReleaseRequest{}
		}
		return http.StatusCreated, reqs, nil
	}
}

func handleReleaseDecision() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		d, err := decode[liaison.ReleaseDecision](r)
		if err != nil {
			return 0, nil, err
		}
		return found(svc.DecideRelease(r.Context(), r.PathValue("id"), d))
	}
}

func handleRFIList() endpoint {
	return listedBy(liaison.Service.RFIs)
}

func handleRFICreate() endpoint {
	return created(liaison.Service.CreateRFI)
}

func handleRFIAnswer() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		a, err := decode[rfiAnswer](r)
		if err != nil {
			return 0, nil, err
		}
		return found(svc.AnswerRFI(r.Context(), r.PathValue("id"), a.ProductID))
	}
}

func handleFeedbackList() endpoint {
	return listedBy(liaison.Service.Feedback)
}

func handleFeedbackCreate() endpoint {
	return created(liaison.Service.CreateFeedback)
}

func handleInteractionList() endpoint {
	return listedBy(liaison.Service.Interactions)
}

func handleInteractionCreate() endpoint {
	return created(liaison.Service.CreateInteraction)
}

func handleBreachList() endpoint {
	return listedBy(liaison.Service.Breaches)
}

func handleBreachCreate() endpoint {
	return created(liaison.Service.RecordBreach)
}

func handleAuditList() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		after, err := queryInt(r, "after")
		if err != nil {
			return 0, nil, err
		}
		limit, err := queryLimit(r, defaultAuditPage, maxAuditPage)
		if err != nil {
			return 0, nil, err
		}
		return listed(svc.AuditEvents(r.Context(), int64(after), limit))
	}
}

func handleAuditVerify() endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		return found(svc.VerifyAudit(r.Context()))
	}
}

// found answers 200 with v, or the error.
func found[T any](v T, err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, v, nil
}

// listed answers 200 with items in the list envelope, or the error.
func listed[T any](items []T, err error) (int, any, error) {
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, listOf(items), nil
}

// listedBy makes the endpoint of a list selected by a liaison.ListFilter
// read from the query: ?org=&product=&limit=.
func listedBy[T any](fetch func(liaison.Service, context.Context, liaison.ListFilter) ([]T, error)) endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		limit, err := queryInt(r, "limit")
		if err != nil {
			return 0, nil, err
		}
		q := r.URL.Query()
		f := liaison.ListFilter{OrgID: q.Get("org"), ProductID: q.Get("product"), Limit: limit}
		return listed(fetch(svc, r.Context(), f))
	}
}

// created makes the endpoint that decodes a T from the body, creates it,
// and answers 201 with it as the service completed it (id, times).
func created[T any](create func(liaison.Service, context.Context, *T) error) endpoint {
	return func(r *http.Request, svc liaison.Service) (int, any, error) {
		v, err := decode[T](r)
		if err != nil {
			return 0, nil, err
		}
		if err := create(svc, r.Context(), &v); err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, &v, nil
	}
}
