package misp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"slices"
	"strings"
)

// ManifestFile is the name of a MISP feed's index: a JSON object mapping
// each event uuid to a summary of the event; the event itself is in
// "<uuid>.json" beside it.
const ManifestFile = "manifest.json"

// FeedEntry is one event a feed's manifest lists.
type FeedEntry struct {
	UUID string // the manifest key, as written
	Info string // the summary's info; "" if it has none
}

// FeedError is the error ReadFeed yields for one event of a feed it could
// not read; iteration goes on with the next event.
type FeedError struct {
	UUID string // the event's uuid as the manifest lists it
	Err  error
}

// Error implements error.
func (e *FeedError) Error() string { return fmt.Sprintf("misp feed: event %s: %v", e.UUID, e.Err) }

// Unwrap returns the cause.
func (e *FeedError) Unwrap() error { return e.Err }

// ReadManifest reads the manifest of the MISP feed in fsys and returns its
// entries sorted by uuid. Only the manifest's shape is checked (a JSON
// object of objects): the summaries are advisory and the event files
// authoritative. A missing or malformed manifest is an error (wrapping
// ErrInvalid when malformed).
func ReadManifest(fsys fs.FS) ([]FeedEntry, error) {
	data, err := fs.ReadFile(fsys, ManifestFile)
	if err != nil {
		return nil, fmt.Errorf("misp feed: %w", err)
	}
	var m map[string]struct {
		Info any `json:"info"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, invalidf("misp feed: %s: %w", ManifestFile, err)
	}
	if m == nil {
		return nil, invalidf("misp feed: %s: want an object mapping event uuids to summaries, got null", ManifestFile)
	}
	entries := make([]FeedEntry, 0, len(m))
	for id, s := range m {
		info, _ := s.Info.(string)
		entries = append(entries, FeedEntry{UUID: id, Info: info})
	}
	slices.SortFunc(entries, func(a, b FeedEntry) int { return strings.Compare(a.UUID, b.UUID) })
	return entries, nil
}

// ReadFeed iterates over the events of the MISP feed in fsys (a directory
// holding manifest.json and one <uuid>.json event file per manifest entry),
// in the manifest's uuid order. An event whose file is missing or
// unreadable, whose key is not a UUID, or whose file holds another event,
// yields (nil, *FeedError) and iteration continues. A manifest that cannot
// be read yields one (nil, error) that is not a *FeedError, and iteration
// ends. Event files not in the manifest are ignored.
func ReadFeed(fsys fs.FS) iter.Seq2[*Event, error] {
	return func(yield func(*Event, error) bool) {
		entries, err := ReadManifest(fsys)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, en := range entries {
			ev, err := readFeedEvent(fsys, en.UUID)
			if err != nil {
				if !yield(nil, &FeedError{UUID: en.UUID, Err: err}) {
					return
				}
				continue
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

func readFeedEvent(fsys fs.FS, key string) (*Event, error) {
	id, err := canonUUID(key)
	if err != nil || strings.ToLower(strings.TrimSpace(key)) != id {
		return nil, invalidf("manifest key %q is not a UUID", key)
	}
	f, err := fsys.Open(key + ".json")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ev, err := ReadEvent(f)
	if err != nil {
		return nil, err
	}
	if ev.UUID != id {
		return nil, invalidf("%s.json holds event %s", key, ev.UUID)
	}
	return ev, nil
}

// IsFeed reports whether fsys is a MISP feed directory: it holds a
// manifest.json that ReadManifest can read.
func IsFeed(fsys fs.FS) bool {
	_, err := ReadManifest(fsys)
	return err == nil
}

// LooksLikeEvent reports whether the first bytes of a file (any prefix,
// e.g. the first 4 KiB) look like MISP's JSON core format rather than
// STIX: a top-level object with an "Event" or "response" key, or a bare
// event with top-level "uuid" and "info" keys. A top-level string "type"
// key (every STIX bundle and object has one, no MISP event does) says no.
// Keys are read in order until one of these decides or the prefix ends;
// undecided is false.
func LooksLikeEvent(firstBytes []byte) bool {
	firstBytes = bytes.TrimPrefix(firstBytes, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	dec := json.NewDecoder(bytes.NewReader(firstBytes))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	sawUUID, sawInfo := false, false
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key, ok := tok.(string)
		if !ok {
			return false // end of the object
		}
		switch key {
		case "Event", "response":
			return true
		case "uuid":
			sawUUID = true
		case "info":
			sawInfo = true
		}
		if sawUUID && sawInfo {
			return true
		}
		v, err := dec.Token()
		if err != nil {
			return false
		}
		if _, isString := v.(string); isString && key == "type" {
			return false
		}
		if d, ok := v.(json.Delim); ok && (d == '{' || d == '[') {
			if err := skip(dec); err != nil {
				return false
			}
		}
	}
}

// skip consumes tokens up to the end of the object or array just opened.
func skip(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
	}
	return nil
}
