package api

import (
	"net/http"
)

// route is one endpoint: its method, its ServeMux path pattern, whether it
// is served without a bearer token, and the endpoint that does its work.
// The table is the single source of the API's surface: addRoutes registers
// it, and a test checks it against docs/openapi.yaml.
type route struct {
	Method   string
	Path     string
	Public   bool
	Endpoint endpoint
}

// routes returns every route of the API.
func routes() []route {
	const get, post, put = http.MethodGet, http.MethodPost, http.MethodPut
	return []route{
		{get, "/healthz", true, handleHealthz()},

		{get, "/api/v1/whoami", false, handleWhoami()},
		{get, "/api/v1/node", false, handleNode()},

		{get, "/api/v1/organisations", false, handleOrganisationList()},
		{post, "/api/v1/organisations", false, handleOrganisationCreate()},
		{get, "/api/v1/organisations/{id}", false, handleOrganisationGet()},
		{get, "/api/v1/organisations/{id}/priorities", false, handlePrioritiesGet()},
		{put, "/api/v1/organisations/{id}/priorities", false, handlePrioritiesPut()},
		{get, "/api/v1/organisations/{id}/coverage", false, handleCoverageGet()},
		{put, "/api/v1/organisations/{id}/coverage", false, handleCoveragePut()},

		{get, "/api/v1/priorities", false, handlePrioritiesList()},
		{get, "/api/v1/coverage", false, handleCoverageList()},

		{get, "/api/v1/officers", false, handleOfficerList()},
		{post, "/api/v1/officers", false, handleOfficerCreate()},
		{post, "/api/v1/officers/{id}/tokens", false, handleTokenIssue()},

		{get, "/api/v1/agreements", false, handleAgreementList()},
		{post, "/api/v1/agreements", false, handleAgreementCreate()},
		{get, "/api/v1/agreements/{id}", false, handleAgreementGet()},
		{post, "/api/v1/agreements/{id}/status", false, handleAgreementStatus()},

		{get, "/api/v1/products", false, handleProductList()},
		{post, "/api/v1/products", false, handleProductCreate()},
		{get, "/api/v1/products/{id}", false, handleProductGet()},
		{get, "/api/v1/products/{id}/decision", false, handleProductDecision()},

		{get, "/api/v1/disseminations", false, handleDisseminationList()},
		{post, "/api/v1/disseminations", false, handleDisseminationCreate()},

		{get, "/api/v1/releases", false, handleReleaseList()},
		{post, "/api/v1/releases", false, handleReleaseCreate()},
		{post, "/api/v1/releases/{id}/decision", false, handleReleaseDecision()},

		{get, "/api/v1/rfis", false, handleRFIList()},
		{post, "/api/v1/rfis", false, handleRFICreate()},
		{post, "/api/v1/rfis/{id}/answers", false, handleRFIAnswer()},

		{get, "/api/v1/feedback", false, handleFeedbackList()},
		{post, "/api/v1/feedback", false, handleFeedbackCreate()},

		{get, "/api/v1/interactions", false, handleInteractionList()},
		{post, "/api/v1/interactions", false, handleInteractionCreate()},

		{get, "/api/v1/breaches", false, handleBreachList()},
		{post, "/api/v1/breaches", false, handleBreachCreate()},

		{get, "/api/v1/trust", false, handleTrust()},
		{get, "/api/v1/ledger", false, handleLedger()},
		{get, "/api/v1/typology", false, handleTypology()},
		{get, "/api/v1/whocan", false, handleWhoCan()},
		{get, "/api/v1/alignment", false, handleAlignment()},
		{get, "/api/v1/warnings", false, handleWarnings()},

		{get, "/api/v1/audit", false, handleAuditList()},
		{get, "/api/v1/audit/verify", false, handleAuditVerify()},
	}
}

// addRoutes registers every route on mux, each behind the body limit and,
// unless public, authentication; and mounts the TAXII 2.1 server under
// /taxii2/ (taxii.go), whose routes have their own table.
func addRoutes(mux *http.ServeMux, cfg Config) {
	addTAXIIRoutes(mux, cfg)
	for _, rt := range routes() {
		h := serveEndpoint(rt.Endpoint, cfg.Logger)
		if !rt.Public {
			h = authenticate(cfg.Backend, cfg.Logger)(h)
		}
		h = limitBody(cfg.MaxBodyBytes)(h)
		mux.Handle(rt.Method+" "+rt.Path, h)
	}
}
