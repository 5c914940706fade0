package api

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/assess"
	"github.com/liaison-dev/liaison/ledger"
	"github.com/liaison-dev/liaison/marking"
	"github.com/liaison-dev/liaison/threat"
	"github.com/liaison-dev/liaison/trust"
	"go.yaml.in/yaml/v3"
)

// openAPIPath is docs/openapi.yaml, from this package's directory.
const openAPIPath = "../docs/openapi.yaml"

// openAPIDoc is as much of an OpenAPI document as the tests read.
type openAPIDoc struct {
	OpenAPI    string                                 `yaml:"openapi"`
	Security   []map[string][]string                  `yaml:"security"`
	Paths      map[string]map[string]openAPIOperation `yaml:"paths"`
	Components struct {
		SecuritySchemes map[string]map[string]any `yaml:"securitySchemes"`
		Parameters      map[string]openAPIParam   `yaml:"parameters"`
		Responses       map[string]any            `yaml:"responses"`
		Schemas         map[string]openAPISchema  `yaml:"schemas"`
	} `yaml:"components"`
}

type openAPIOperation struct {
	OperationID string                 `yaml:"operationId"`
	Security    *[]map[string][]string `yaml:"security"`
	Parameters  []openAPIParam         `yaml:"parameters"`
	RequestBody map[string]any         `yaml:"requestBody"`
	Responses   map[string]any         `yaml:"responses"`
}

type openAPIParam struct {
	Ref      string `yaml:"$ref"`
	Name     string `yaml:"name"`
	In       string `yaml:"in"`
	Required bool   `yaml:"required"`
}

type openAPISchema struct {
	Properties map[string]any `yaml:"properties"`
}

// readOpenAPI parses docs/openapi.yaml, and returns it also as a generic
// tree for walking its references.
func readOpenAPI(t *testing.T) (*openAPIDoc, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(openAPIPath)
	if err != nil {
		t.Fatalf("read the API description: %v", err)
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse %s: %v", openAPIPath, err)
	}
	var tree map[string]any
	if err := yaml.Unmarshal(b, &tree); err != nil {
		t.Fatalf("parse %s: %v", openAPIPath, err)
	}
	return &doc, tree
}

// httpMethods are the keys of an OpenAPI path item that are operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestOpenAPIDescribesExactlyTheRoutes(t *testing.T) {
	doc, _ := readOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}

	registered := map[string]route{}
	for _, rt := range routes() {
		key := rt.Method + " " + rt.Path
		if _, dup := registered[key]; dup {
			t.Errorf("route %s is registered twice", key)
		}
		registered[key] = rt
	}
	documented := map[string]openAPIOperation{}
	for path, item := range doc.Paths {
		for method, op := range item {
			if !slices.Contains(httpMethods, method) {
				t.Errorf("%s: %q is not an operation; keep parameters on operations", path, method)
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = op
		}
	}

	for key := range registered {
		if _, ok := documented[key]; !ok {
			t.Errorf("route %s is registered in routes.go but not described in %s", key, openAPIPath)
		}
	}
	for key := range documented {
		if _, ok := registered[key]; !ok {
			t.Errorf("operation %s is described in %s but no route serves it", key, openAPIPath)
		}
	}

	ids := map[string]string{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for key, op := range documented {
		if op.OperationID == "" {
			t.Errorf("%s has no operationId", key)
		} else if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s and %s share the operationId %s", key, other, op.OperationID)
		}
		ids[op.OperationID] = key
		if len(op.Responses) == 0 {
			t.Errorf("%s describes no response", key)
		}
		rt, ok := registered[key]
		if !ok {
			continue
		}
		public := op.Security != nil && len(*op.Security) == 0
		if public != rt.Public {
			t.Errorf("%s: described as public=%t (security: []), served as public=%t", key, public, rt.Public)
		}
		if !rt.Public {
			if _, ok := op.Responses["401"]; !ok {
				t.Errorf("%s needs a token but describes no 401", key)
			}
		}
		if (rt.Method == "POST" || rt.Method == "PUT") && op.RequestBody != nil {
			if _, ok := op.Responses["415"]; !ok {
				t.Errorf("%s takes a body but describes no 415", key)
			}
		}
		var params []openAPIParam
		for _, p := range op.Parameters {
			if p.Ref != "" {
				p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			}
			params = append(params, p)
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			if !slices.ContainsFunc(params, func(p openAPIParam) bool { return p.In == "path" && p.Name == m[1] && p.Required }) {
				t.Errorf("%s: the path parameter %s is not described as a required path parameter", key, m[1])
			}
		}
	}

	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Errorf("the document's security is %v, want bearerAuth", doc.Security)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s["type"] != "http" || s["scheme"] != "bearer" {
		t.Errorf("bearerAuth is %v, want an http bearer scheme", s)
	}
}

func TestOpenAPIReferencesResolve(t *testing.T) {
	_, tree := readOpenAPI(t)
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					ref, _ := x.(string)
					if !resolves(tree, ref) {
						t.Errorf("%s: $ref %q does not resolve", where, ref)
					}
					continue
				}
				walk(where+"/"+k, x)
			}
		case []any:
			for _, x := range v {
				walk(where, x)
			}
		}
	}
	walk("#", tree)
}

// resolves reports whether ref, a local JSON pointer, names a node of tree.
func resolves(tree map[string]any, ref string) bool {
	if !strings.HasPrefix(ref, "#/") {
		return false
	}
	var node any = tree
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		if node, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

func TestOpenAPISchemasMatchTheJSONOfTheirTypes(t *testing.T) {
	doc, _ := readOpenAPI(t)
	types := map[string]any{
		"Error":                 errorResponse{},
		"Reason":                liaison.Reason{},
		"Decision":              liaison.Decision{},
		"Node":                  liaison.Node{},
		"Organisation":          liaison.Organisation{},
		"Classification":        marking.Classification{},
		"Marking":               marking.Marking{},
		"Officer":               liaison.Officer{},
		"OfficerCreated":        officerCreated{},
		"Token":                 tokenIssued{},
		"Duty":                  liaison.Duty{},
		"Agreement":             liaison.Agreement{},
		"AgreementStatusChange": statusChange{},
		"ProductDraft":          liaison.ProductDraft{},
		"Product":               liaison.Product{},
		"DisseminationOrder":    liaison.DisseminationOrder{},
		"Dissemination":         liaison.Dissemination{},
		"ReleaseDraft":          liaison.ReleaseDraft{},
		"ReleaseDecision":       liaison.ReleaseDecision{},
		"ReleaseRequest":        liaison.ReleaseRequest{},
		"RFIAnswer":             liaison.RFIAnswer{},
		"RFIAnswerRequest":      rfiAnswer{},
		"RFI":                   liaison.RFI{},
		"Feedback":              liaison.Feedback{},
		"Interaction":           liaison.Interaction{},
		"Breach":                liaison.Breach{},
		"ThreatPriority":        liaison.ThreatPriority{},
		"Coverage":              liaison.Coverage{},
		"ThreatPrioritySet":     prioritySet{},
		"CoverageSet":           coverageSet{},
		"AuditEvent":            liaison.AuditEvent{},
		"AuditBreak":            liaison.AuditBreak{},
		"AuditReport":           liaison.AuditReport{},
		"ProductList":           list[*liaison.Product]{},

		"TrustReport":        assess.TrustReport{},
		"TrustAssessment":    assess.TrustAssessment{},
		"Score":              assess.Score{},
		"Opinion":            trust.Opinion{},
		"DirectTrust":        trust.Assessment{},
		"TrustDimension":     trust.DimensionAssessment{},
		"TrustContribution":  trust.Contribution{},
		"TrustEvidence":      trust.Evidence{},
		"TrustTrend":         trust.Trend{},
		"TrustInference":     trust.Inference{},
		"TrustPath":          trust.Path{},
		"LedgerReport":       assess.LedgerReport{},
		"Window":             ledger.Window{},
		"PairLedger":         assess.PairLedger{},
		"Flow":               ledger.Flow{},
		"Lag":                ledger.Lag{},
		"Reciprocity":        ledger.Reciprocity{},
		"AgreementFlow":      ledger.AgreementFlow{},
		"MonthLedger":        ledger.MonthSummary{},
		"ValuedExchange":     assess.ValuedExchange{},
		"ValueFactor":        ledger.Factor{},
		"NetworkReciprocity": ledger.NetworkSummary{},
		"Centrality":         ledger.OrgCentrality{},
		"TypologyReport":     assess.TypologyReport{},
		"Typology":           ledger.Typology{},
		"Relationship":       assess.Relationship{},
		"Indicator":          ledger.Indicator{},
		"ClassPeriod":        ledger.ClassPeriod{},
		"ClassChange":        ledger.ClassChange{},
		"WhoCanReport":       assess.WhoCanReport{},
		"RankedPartner":      threat.Ranked{},
		"AlignmentReport":    assess.AlignmentReport{},
		"Alignment":          threat.Alignment{},
		"SharedTopic":        threat.SharedTopic{},
		"TopicRank":          threat.TopicRank{},
		"Divergence":         threat.Warning{},
		"Opportunity":        threat.Opportunity{},
		"WarningReport":      assess.WarningReport{},
		"Warning":            assess.Warning{},
	}
	for name, v := range types {
		t.Run(name+" names exactly the fields of its Go type", func(t *testing.T) {
			schema, ok := doc.Components.Schemas[name]
			if !ok {
				t.Fatalf("components/schemas has no %s", name)
			}
			var documented []string
			for p := range schema.Properties {
				documented = append(documented, p)
			}
			slices.Sort(documented)
			if want := jsonFields(reflect.TypeOf(v)); !slices.Equal(documented, want) {
				t.Errorf("schema %s has properties %v; the JSON of %T has %v", name, documented, v, want)
			}
		})
	}
}

// jsonFields lists, sorted, the names encoding/json gives the fields of a
// struct type (embedded structs flattened).
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			out = append(out, jsonFields(ft)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
