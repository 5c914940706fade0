package desk

import (
	"context"
	"encoding/json"

	"github.com/liaison-dev/liaison"
)

// objectSession is an officer's access to the node's STIX objects.
type objectSession struct {
	*session
}

// Objects returns o's access to the node's STIX objects.
func (d *Desk) Objects(o *liaison.Officer) liaison.ObjectService {
	return &objectSession{session: d.As(o).(*session)}
}

var errObjectsUnbuilt = liaison.Errorf(liaison.EINTERNAL, "objects: being built")

func (s *objectSession) Collections(ctx context.Context) ([]*liaison.Collection, error) {
	return nil, errObjectsUnbuilt
}
func (s *objectSession) Collection(ctx context.Context, id string) (*liaison.Collection, error) {
	return nil, errObjectsUnbuilt
}
func (s *objectSession) Objects(ctx context.Context, q liaison.ObjectQuery) (*liaison.ObjectPage, error) {
	return nil, errObjectsUnbuilt
}
func (s *objectSession) AddObjects(ctx context.Context, collectionID string, objects []json.RawMessage) (*liaison.ImportStatus, error) {
	return nil, errObjectsUnbuilt
}
func (s *objectSession) DeleteObject(ctx context.Context, collectionID, id string, versions liaison.VersionMatch, specVersions []string) error {
	return errObjectsUnbuilt
}
func (s *objectSession) Status(ctx context.Context, id string) (*liaison.ImportStatus, error) {
	return nil, errObjectsUnbuilt
}
