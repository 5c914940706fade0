package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// checkpointInterval is the least time between two background checkpoints.
const checkpointInterval = 20 * time.Millisecond

// checkpointer copies committed pages from the WAL back into the database
// file on a connection of its own, so that commits do not wait for it:
// left to SQLite, the commit that fills the WAL to its threshold does the
// copy, a sixth of the cost of a dissemination. The write connection
// keeps a high threshold as a backstop; a passive checkpoint never blocks
// a writer or a reader.
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

// newCheckpointer starts checkpointing the database at path after
// commits.
func newCheckpointer(ctx context.Context, dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

// committed tells the checkpointer that a transaction committed.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		}
		// An error (SQLITE_BUSY while another checkpoint runs) leaves the
		// work to the next round or to the writer's backstop.
		_, _ = c.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointInterval):
		}
	}
}

// close stops the checkpointer and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}
