package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/liaison-dev/liaison"
	"github.com/liaison-dev/liaison/taxii"
)

// serveDiscovery answers GET /taxii2/ with the discovery resource: the
// one API root, which is also the default.
func (s *taxiiServer) serveDiscovery(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	return writeTAXII(w, http.StatusOK, taxii.Discovery{
		Title:       "liaison",
		Description: "STIX 2.1 objects this node shares with its partners, each partner seeing only what was disseminated to it.",
		Default:     taxiiAPIRoot,
		APIRoots:    []string{taxiiAPIRoot},
	})
}

// serveAPIRoot answers GET {api-root} with the API root resource. Its
// max_content_length is the server's body limit: a POST within it is never
// refused as too large.
func (s *taxiiServer) serveAPIRoot(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	return writeTAXII(w, http.StatusOK, taxii.APIRoot{
		Title:            "liaison",
		Description:      "The collections of this node: one per audience.",
		Versions:         []string{taxii.MediaType},
		MaxContentLength: s.maxBody,
	})
}

// serveStatus answers GET {api-root}/status/{id}/ with the status of an
// earlier add request. Only officers of the organisation that made the
// request may read it; to others it is not found.
func (s *taxiiServer) serveStatus(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	id := r.PathValue("status")
	st, err := c.objects.Status(r.Context(), id)
	switch {
	case liaison.ErrorCode(err) == liaison.ENOTFOUND:
		return statusNotFound(id)
	case err != nil:
		return fmt.Errorf("taxii: status %s: %w", id, err)
	case st == nil || st.OrgID != c.officer.OrgID:
		// Defence in depth: the service hides other organisations'
		// statuses; a status without the caller's organisation is not
		// shown either.
		return statusNotFound(id)
	}
	return writeTAXII(w, http.StatusOK, statusResource(st))
}

func statusNotFound(id string) error {
	return liaison.Errorf(liaison.ENOTFOUND, "status %q not found", id)
}

// serveCollections answers GET {api-root}/collections/ with the
// collections the caller may read or write, in the service's stable order.
func (s *taxiiServer) serveCollections(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	cols, err := c.objects.Collections(r.Context())
	if err != nil {
		return fmt.Errorf("taxii: collections: %w", err)
	}
	var out taxii.Collections
	for _, col := range cols {
		out.Collections = append(out.Collections, collectionResource(col))
	}
	return writeTAXII(w, http.StatusOK, out)
}

// serveCollection answers GET {api-root}/collections/{id}/.
func (s *taxiiServer) serveCollection(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	col, err := s.collection(r.Context(), c, r.PathValue("collection"))
	if err != nil {
		return err
	}
	return writeTAXII(w, http.StatusOK, collectionResource(col))
}

// serveManifest answers GET {api-root}/collections/{id}/manifest/: one
// manifest record per object version the filters select, in date_added
// order, without reading the objects themselves.
func (s *taxiiServer) serveManifest(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	q, err := parseTAXIIQuery(r.URL.RawQuery, paramsObjects)
	if err != nil {
		return err
	}
	q.WithoutRaw = true
	page, err := s.page(r.Context(), c, r.PathValue("collection"), q)
	if err != nil {
		return err
	}
	m := taxii.Manifest{More: page.More, Next: pageNext(page)}
	for _, o := range page.Objects {
		m.Objects = append(m.Objects, taxii.ManifestRecord{
			ID:        o.ID,
			DateAdded: taxii.FormatTimestamp(o.Added),
			Version:   taxiiVersion(o),
			MediaType: taxii.STIXMediaType,
		})
	}
	setDateAdded(w, page.Objects)
	return writeTAXII(w, http.StatusOK, m)
}

// serveObjects answers GET {api-root}/collections/{id}/objects/: an
// envelope of the object versions the filters select, in date_added order.
func (s *taxiiServer) serveObjects(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	q, err := parseTAXIIQuery(r.URL.RawQuery, paramsObjects)
	if err != nil {
		return err
	}
	page, err := s.page(r.Context(), c, r.PathValue("collection"), q)
	if err != nil {
		return err
	}
	return s.writeEnvelope(w, page)
}

// serveObject answers GET {api-root}/collections/{id}/objects/{object-id}/:
// an envelope of the versions of one object that match[version] and
// match[spec_version] select (by default its last version), or 404 when
// there are none.
func (s *taxiiServer) serveObject(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	q, err := parseTAXIIQuery(r.URL.RawQuery, paramsObject)
	if err != nil {
		return err
	}
	collection, object := r.PathValue("collection"), r.PathValue("object")
	q.IDs = []string{object}
	page, err := s.page(r.Context(), c, collection, q)
	if err != nil {
		return err
	}
	if len(page.Objects) == 0 {
		return objectNotFound(collection, object)
	}
	return s.writeEnvelope(w, page)
}

// serveVersions answers GET {api-root}/collections/{id}/objects/{object-id}/versions/:
// the versions of one object in date_added order, or 404 when it has none.
func (s *taxiiServer) serveVersions(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	q, err := parseTAXIIQuery(r.URL.RawQuery, paramsVersions)
	if err != nil {
		return err
	}
	collection, object := r.PathValue("collection"), r.PathValue("object")
	q.IDs, q.Versions, q.WithoutRaw = []string{object}, liaison.VersionMatch{All: true}, true
	page, err := s.page(r.Context(), c, collection, q)
	if err != nil {
		return err
	}
	if len(page.Objects) == 0 {
		return objectNotFound(collection, object)
	}
	v := taxii.Versions{More: page.More, Next: pageNext(page)}
	for _, o := range page.Objects {
		v.Versions = append(v.Versions, taxiiVersion(o))
	}
	setDateAdded(w, page.Objects)
	return writeTAXII(w, http.StatusOK, v)
}

// serveAddObjects answers POST {api-root}/collections/{id}/objects/: it
// reads an envelope of application/taxii+json within the body limit,
// gives its objects to the node, and answers 202 with the status
// resource. Each object succeeds or fails on its own; a body that is not
// an envelope is refused whole.
func (s *taxiiServer) serveAddObjects(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	if !isTAXII21(r.Header.Get("Content-Type"), false) {
		return liaison.Errorf(EMEDIATYPE, "the request body must be %s", taxii.MediaType)
	}
	if r.ContentLength > s.maxBody {
		return liaison.Errorf(liaison.ETOOLARGE, "the request body is larger than %d bytes", s.maxBody)
	}
	col, err := s.collection(r.Context(), c, r.PathValue("collection"))
	if err != nil {
		return err
	}
	if !col.CanWrite {
		return liaison.Errorf(liaison.EFORBIDDEN, "collection %q may not be written to with these credentials", col.ID)
	}
	objects, err := decodeEnvelope(r.Body)
	if err != nil {
		return err
	}
	st, err := c.objects.AddObjects(r.Context(), col.ID, objects)
	switch {
	case liaison.ErrorCode(err) == liaison.ENOTFOUND:
		return collectionNotFound(col.ID)
	case err != nil:
		return fmt.Errorf("taxii: add %d objects to %s: %w", len(objects), col.ID, err)
	case st == nil:
		return fmt.Errorf("taxii: add %d objects to %s: the service gave no status", len(objects), col.ID)
	}
	return writeTAXII(w, http.StatusAccepted, statusResource(st))
}

// serveDeleteObject answers DELETE {api-root}/collections/{id}/objects/{object-id}/:
// it withdraws the versions match[version] and match[spec_version] select
// (by default the last version, TAXII's default for match[version];
// match[version]=all withdraws every version) and answers 200 without a
// body, or 404 when none matched. The collection must be readable and
// writable by the caller (TAXII 2.1 section 5.7), else 403.
func (s *taxiiServer) serveDeleteObject(w http.ResponseWriter, r *http.Request, c *taxiiCaller) error {
	q, err := parseTAXIIQuery(r.URL.RawQuery, paramsDelete)
	if err != nil {
		return err
	}
	col, err := s.collection(r.Context(), c, r.PathValue("collection"))
	if err != nil {
		return err
	}
	if !col.CanRead || !col.CanWrite {
		return liaison.Errorf(liaison.EFORBIDDEN, "objects of collection %q may not be deleted with these credentials", col.ID)
	}
	object := r.PathValue("object")
	switch err := c.objects.DeleteObject(r.Context(), col.ID, object, q.Versions, q.SpecVersions); {
	case liaison.ErrorCode(err) == liaison.ENOTFOUND:
		return objectNotFound(col.ID, object)
	case err != nil:
		return fmt.Errorf("taxii: delete %s from %s: %w", object, col.ID, err)
	}
	w.Header().Set("Content-Type", taxii.MediaType)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// collection returns the collection id as the caller sees it. One the
// caller may not see is not found, with the same answer as one that does
// not exist.
func (s *taxiiServer) collection(ctx context.Context, c *taxiiCaller, id string) (*liaison.Collection, error) {
	col, err := c.objects.Collection(ctx, id)
	switch {
	case liaison.ErrorCode(err) == liaison.ENOTFOUND || (err == nil && col == nil):
		return nil, collectionNotFound(id)
	case err != nil:
		return nil, fmt.Errorf("taxii: collection %s: %w", id, err)
	}
	return col, nil
}

// page returns the page q selects from collection id, which the caller
// must be allowed to read (else 403, or 404 when it may not see it).
func (s *taxiiServer) page(ctx context.Context, c *taxiiCaller, id string, q liaison.ObjectQuery) (*liaison.ObjectPage, error) {
	col, err := s.collection(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if !col.CanRead {
		return nil, liaison.Errorf(liaison.EFORBIDDEN, "collection %q may not be read with these credentials", col.ID)
	}
	q.Collection = col.ID
	q.Lean = true // a page shows ids, versions, date_added and raw JSON only
	page, err := c.objects.Objects(ctx, q)
	switch {
	case liaison.ErrorCode(err) == liaison.ENOTFOUND:
		return nil, collectionNotFound(id)
	case err != nil:
		return nil, fmt.Errorf("taxii: objects of %s: %w", id, err)
	case page == nil:
		return nil, fmt.Errorf("taxii: objects of %s: the service gave no page", id)
	case len(page.Objects) > q.Limit:
		// TAXII: a response must not hold more objects than the limit.
		return nil, fmt.Errorf("taxii: objects of %s: the service gave %d objects for a limit of %d", id, len(page.Objects), q.Limit)
	}
	return page, nil
}

func collectionNotFound(id string) error {
	return liaison.Errorf(liaison.ENOTFOUND, "collection %q not found", id)
}

func objectNotFound(collection, object string) error {
	return liaison.Errorf(liaison.ENOTFOUND, "object %q not found in collection %q", object, collection)
}

// pageNext is the next of a page: only when more follows.
func pageNext(p *liaison.ObjectPage) string {
	if !p.More {
		return ""
	}
	return p.Next
}

// setDateAdded sets the X-TAXII-Date-Added-First and -Last headers from
// the first and last of objs, which are in date_added order; without
// objects there is nothing to set.
func setDateAdded(w http.ResponseWriter, objs []*liaison.Object) {
	if len(objs) == 0 {
		return
	}
	h := w.Header()
	h.Set(taxii.HeaderDateAddedFirst, taxii.FormatTimestamp(objs[0].Added))
	h.Set(taxii.HeaderDateAddedLast, taxii.FormatTimestamp(objs[len(objs)-1].Added))
}

// writeEnvelope writes page as a TAXII envelope with status 200. The
// objects are written byte for byte as the node holds them, never decoded
// and encoded again, through a pooled buffer so that a page goes out in a
// few large writes; Content-Length is known beforehand. A page without
// objects is the empty envelope {} (with more and next if set).
func (s *taxiiServer) writeEnvelope(w http.ResponseWriter, page *liaison.ObjectPage) error {
	objs := page.Objects
	size := 0
	for _, o := range objs {
		if len(o.Raw) == 0 {
			return fmt.Errorf("taxii: object %s has no raw JSON to send", o.ID)
		}
		size += len(o.Raw)
	}
	var buf [128]byte
	head := append(buf[:0], '{')
	if page.More {
		head = append(head, `"more":true`...)
		if page.Next != "" {
			head = append(head, `,"next":`...)
			head = appendJSONString(head, page.Next)
		}
	}
	tail := "}\n"
	if len(objs) > 0 {
		if page.More {
			head = append(head, ',')
		}
		head = append(head, `"objects":[`...)
		tail = "]}\n"
		size += len(objs) - 1 // the commas between objects
	}
	size += len(head) + len(tail)

	h := w.Header()
	h.Set("Content-Type", taxii.MediaType)
	h.Set("Content-Length", strconv.Itoa(size))
	setDateAdded(w, objs)
	w.WriteHeader(http.StatusOK)

	bw := s.writers.Get().(*bufio.Writer)
	bw.Reset(w)
	defer func() {
		bw.Reset(nil)
		s.writers.Put(bw)
	}()
	bw.Write(head)
	for i, o := range objs {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(o.Raw)
	}
	bw.WriteString(tail)
	// The status is sent: a failed write means the connection is gone
	// and there is no one left to tell. bufio keeps the first error, so
	// the writes above stop doing work after it.
	_ = bw.Flush()
	return nil
}

// appendJSONString appends s as a JSON string. Cursors are plain ASCII;
// anything else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// decodeEnvelope reads a TAXII envelope from body as a stream and returns
// its objects, each as the raw JSON it was sent as. Other properties of
// the envelope (more, next, custom ones) are skipped. A body that is not
// JSON, not an envelope, or has no objects is EBADJSON; one over the body
// limit is ETOOLARGE.
func decodeEnvelope(body io.Reader) ([]json.RawMessage, error) {
	notEnvelope := func(what string) error {
		return liaison.Errorf(liaison.EBADJSON, "the request body must be a TAXII envelope, {\"objects\":[…]}: %s", what)
	}
	dec := json.NewDecoder(body)
	tok, err := dec.Token()
	if err != nil {
		return nil, decodeError(err) // io.EOF here: an empty body
	}
	if tok != json.Delim('{') {
		return nil, notEnvelope("it is not a JSON object")
	}
	// Past the first token, the end of the body is the end of it inside
	// the envelope, not an empty body.
	badBody := func(err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return decodeError(err)
	}
	var objects []json.RawMessage
	seen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, badBody(err)
		}
		key, _ := tok.(string)
		if key != "objects" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, badBody(err)
			}
			continue
		}
		if seen {
			return nil, notEnvelope("objects is given twice")
		}
		seen = true
		if tok, err = dec.Token(); err != nil {
			return nil, badBody(err)
		}
		if tok != json.Delim('[') {
			return nil, notEnvelope("objects is not a list")
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, badBody(err)
			}
			objects = append(objects, raw)
		}
		if _, err := dec.Token(); err != nil { // ]
			return nil, badBody(err)
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, badBody(err)
	}
	switch _, err := dec.Token(); {
	case errors.Is(err, io.EOF):
	case isTooLarge(err):
		return nil, badBody(err)
	default:
		return nil, liaison.Errorf(liaison.EBADJSON, "unexpected data after the envelope")
	}
	if len(objects) == 0 {
		return nil, notEnvelope("it holds no objects")
	}
	return objects, nil
}

// collectionResource is the TAXII collection resource of col. A
// collection that names no media types holds STIX 2.1.
func collectionResource(col *liaison.Collection) taxii.Collection {
	mt := col.MediaTypes
	if len(mt) == 0 {
		mt = []string{taxii.STIXMediaType}
	}
	return taxii.Collection{
		ID:          col.ID,
		Title:       col.Title,
		Description: col.Description,
		Alias:       col.Alias,
		CanRead:     col.CanRead,
		CanWrite:    col.CanWrite,
		MediaTypes:  mt,
	}
}

// statusResource is the TAXII status resource of st.
func statusResource(st *liaison.ImportStatus) taxii.Status {
	out := taxii.Status{
		ID:           st.ID,
		Status:       st.Status,
		TotalCount:   st.TotalCount,
		SuccessCount: st.SuccessCount,
		Successes:    statusDetails(st.Successes),
		FailureCount: st.FailureCount,
		Failures:     statusDetails(st.Failures),
		PendingCount: st.PendingCount,
		Pendings:     statusDetails(st.Pendings),
	}
	if !st.RequestTimestamp.IsZero() {
		out.RequestTimestamp = taxii.FormatTimestamp(st.RequestTimestamp)
	}
	return out
}

func statusDetails(rs []liaison.ObjectResult) []taxii.StatusDetail {
	if len(rs) == 0 {
		return nil // TAXII has no empty lists
	}
	out := make([]taxii.StatusDetail, len(rs))
	for i, r := range rs {
		out[i] = taxii.StatusDetail{ID: r.ID, Version: r.Version, Message: r.Message}
	}
	return out
}
