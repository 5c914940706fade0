-- The node's schema. Times are INTEGER nanoseconds since the Unix epoch,
-- UTC, NULL for the zero time. Lists that are only read back travel as
-- JSON text; lists that queries select on also have a table of their own.

-- +goose Up
CREATE TABLE node (
	one        INTEGER PRIMARY KEY CHECK (one = 1), -- the node is a single row
	id         TEXT NOT NULL,
	name       TEXT NOT NULL,
	home_org   TEXT NOT NULL,
	public_key BLOB,
	created_at INTEGER
);

CREATE TABLE organisations (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	country     TEXT NOT NULL,
	memberships TEXT NOT NULL, -- JSON array
	node_id     TEXT NOT NULL,
	created_at  INTEGER
);

CREATE TABLE officers (
	id               TEXT PRIMARY KEY,
	org_id           TEXT NOT NULL,
	name             TEXT NOT NULL,
	role             TEXT NOT NULL,
	clearance_scheme TEXT NOT NULL,
	clearance_level  TEXT NOT NULL,
	need_to_know     TEXT NOT NULL, -- JSON array of topics
	active           INTEGER NOT NULL,
	created_at       INTEGER
);
CREATE INDEX officers_by_org ON officers (org_id, id);

CREATE TABLE tokens (
	id         TEXT PRIMARY KEY,
	officer_id TEXT NOT NULL,
	hash       BLOB NOT NULL UNIQUE,
	created_at INTEGER,
	revoked_at INTEGER
);
CREATE INDEX tokens_by_officer ON tokens (officer_id);

CREATE TABLE agreements (
	id              TEXT PRIMARY KEY,
	title           TEXT NOT NULL,
	parties         TEXT NOT NULL, -- JSON array, as read back; agreement_parties is what queries use
	topics          TEXT NOT NULL, -- JSON array
	ceiling_scheme  TEXT NOT NULL,
	ceiling_level   TEXT NOT NULL,
	default_caveats TEXT NOT NULL,
	duties          TEXT NOT NULL, -- JSON array
	valid_from      INTEGER,
	valid_to        INTEGER,
	status          TEXT NOT NULL,
	created_at      INTEGER
);
CREATE INDEX agreements_by_creation ON agreements (created_at);

CREATE TABLE agreement_parties (
	org_id       TEXT NOT NULL,
	agreement_id TEXT NOT NULL REFERENCES agreements (id),
	PRIMARY KEY (org_id, agreement_id)
) WITHOUT ROWID;

CREATE TABLE products (
	id                 TEXT NOT NULL,
	version            INTEGER NOT NULL,
	title              TEXT NOT NULL,
	body               TEXT NOT NULL,
	topics             TEXT NOT NULL, -- JSON array; product_topics is what queries use
	marking            TEXT NOT NULL, -- JSON of marking.Marking
	class_rank         INTEGER NOT NULL,
	originator_org     TEXT NOT NULL,
	originator_officer TEXT NOT NULL,
	reliability        TEXT NOT NULL,
	credibility        TEXT NOT NULL,
	parent_id          TEXT,
	parent_version     INTEGER,
	origins            TEXT NOT NULL, -- JSON array, sorted
	origin_node        TEXT NOT NULL,
	created_at         INTEGER,
	PRIMARY KEY (id, version),
	FOREIGN KEY (parent_id, parent_version) REFERENCES products (id, version)
);
CREATE INDEX products_by_parent ON products (parent_id, parent_version);

CREATE TABLE product_topics (
	product_id TEXT NOT NULL,
	version    INTEGER NOT NULL,
	topic      TEXT NOT NULL,
	PRIMARY KEY (product_id, version, topic),
	FOREIGN KEY (product_id, version) REFERENCES products (id, version)
) WITHOUT ROWID;

-- holdings: an organisation holds a product version, by origin or by a
-- dissemination (via).
CREATE TABLE holdings (
	org_id      TEXT NOT NULL,
	product_id  TEXT NOT NULL,
	version     INTEGER NOT NULL,
	via         TEXT NOT NULL,
	at          INTEGER,
	recalled_at INTEGER,
	PRIMARY KEY (org_id, product_id, version, via),
	FOREIGN KEY (product_id, version) REFERENCES products (id, version)
) WITHOUT ROWID;

-- visible materialises, per product and organisation, the newest version
-- the organisation holds unrecalled, its newest holding of it (via, at),
-- and its rank. Listing an officer's products walks visible_by_org newest
-- first and stops after the limit; listing a product's holders reads the
-- primary key. The store keeps it whenever it inserts a holding.
CREATE TABLE visible (
	product_id TEXT NOT NULL,
	org_id     TEXT NOT NULL,
	version    INTEGER NOT NULL,
	via        TEXT NOT NULL,
	at         INTEGER,
	class_rank INTEGER NOT NULL,
	PRIMARY KEY (product_id, org_id)
) WITHOUT ROWID;
CREATE INDEX visible_by_org ON visible (org_id, at, product_id, class_rank, version);

CREATE TABLE disseminations (
	id              TEXT NOT NULL PRIMARY KEY,
	product_id      TEXT NOT NULL,
	product_version INTEGER NOT NULL,
	from_org        TEXT NOT NULL,
	to_org          TEXT NOT NULL,
	agreement_id    TEXT NOT NULL,
	officer_id      TEXT NOT NULL,
	action          TEXT NOT NULL,
	allowed         INTEGER NOT NULL,
	reasons         TEXT NOT NULL, -- JSON array of liaison.Reason
	release_ids     TEXT NOT NULL, -- JSON array
	created_at      INTEGER,
	recalled_at     INTEGER,
	FOREIGN KEY (product_id, product_version) REFERENCES products (id, version)
) WITHOUT ROWID; -- one b-tree less to write than a rowid table with a text key
CREATE INDEX disseminations_to ON disseminations (to_org, product_id, from_org, recalled_at); -- covers Consents
CREATE INDEX disseminations_from ON disseminations (from_org, created_at);
CREATE INDEX disseminations_by_product ON disseminations (product_id, created_at);

CREATE TABLE release_requests (
	id                TEXT PRIMARY KEY,
	product_id        TEXT NOT NULL,
	product_version   INTEGER NOT NULL,
	requester_org     TEXT NOT NULL,
	requester_officer TEXT NOT NULL,
	originator_org    TEXT NOT NULL,
	to_org            TEXT NOT NULL,
	justification     TEXT NOT NULL,
	status            TEXT NOT NULL,
	conditions        TEXT NOT NULL,
	decided_by        TEXT NOT NULL,
	decided_at        INTEGER,
	expires_at        INTEGER,
	created_at        INTEGER
);
CREATE INDEX release_requests_to ON release_requests (to_org, product_id, status);
CREATE INDEX release_requests_by_requester ON release_requests (requester_org, created_at);
CREATE INDEX release_requests_by_originator ON release_requests (originator_org, created_at);
CREATE INDEX release_requests_by_product ON release_requests (product_id, created_at);

CREATE TABLE rfis (
	id           TEXT PRIMARY KEY,
	from_org     TEXT NOT NULL,
	from_officer TEXT NOT NULL,
	to_org       TEXT NOT NULL,
	topic        TEXT NOT NULL,
	question     TEXT NOT NULL,
	priority     TEXT NOT NULL,
	deadline     INTEGER,
	status       TEXT NOT NULL,
	created_at   INTEGER
);
CREATE INDEX rfis_from ON rfis (from_org, created_at);
CREATE INDEX rfis_to ON rfis (to_org, created_at);

CREATE TABLE rfi_answers (
	seq        INTEGER PRIMARY KEY, -- the order answers came in
	rfi_id     TEXT NOT NULL REFERENCES rfis (id),
	product_id TEXT NOT NULL,
	officer_id TEXT NOT NULL,
	at         INTEGER
);
CREATE INDEX rfi_answers_by_rfi ON rfi_answers (rfi_id, seq);
CREATE INDEX rfi_answers_by_product ON rfi_answers (product_id);

CREATE TABLE feedback (
	id              TEXT PRIMARY KEY,
	product_id      TEXT NOT NULL,
	product_version INTEGER NOT NULL,
	org_id          TEXT NOT NULL,
	officer_id      TEXT NOT NULL,
	value           INTEGER NOT NULL,
	flags           TEXT NOT NULL, -- JSON array
	comment         TEXT NOT NULL,
	created_at      INTEGER
);
CREATE INDEX feedback_by_org ON feedback (org_id, created_at);
CREATE INDEX feedback_by_product ON feedback (product_id, created_at);

CREATE TABLE interactions (
	id               TEXT PRIMARY KEY,
	kind             TEXT NOT NULL,
	orgs             TEXT NOT NULL, -- JSON array; interaction_orgs is what queries use
	officers         TEXT NOT NULL, -- JSON array
	date             INTEGER,
	duration_minutes INTEGER NOT NULL,
	tone             INTEGER NOT NULL,
	notes            TEXT NOT NULL,
	recorded_by      TEXT NOT NULL,
	created_at       INTEGER
);
CREATE INDEX interactions_by_date ON interactions (date, created_at);

CREATE TABLE interaction_orgs (
	org_id         TEXT NOT NULL,
	interaction_id TEXT NOT NULL REFERENCES interactions (id),
	PRIMARY KEY (org_id, interaction_id)
) WITHOUT ROWID;

CREATE TABLE breaches (
	id          TEXT PRIMARY KEY,
	product_id  TEXT NOT NULL,
	org_id      TEXT NOT NULL,
	caveat      TEXT NOT NULL,
	description TEXT NOT NULL,
	reported_by TEXT NOT NULL,
	at          INTEGER,
	created_at  INTEGER
);
CREATE INDEX breaches_by_org ON breaches (org_id, at);
CREATE INDEX breaches_by_product ON breaches (product_id, at);

-- audit is the hash-linked chain (package audit). Rows are only ever
-- appended; the triggers refuse accidental edits, and the chain makes a
-- deliberate one (with the triggers dropped) evident.
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY,
	at        INTEGER,
	actor     TEXT NOT NULL,
	actor_org TEXT NOT NULL,
	action    TEXT NOT NULL,
	object    TEXT NOT NULL,
	target    TEXT NOT NULL,
	allowed   INTEGER NOT NULL,
	reasons   TEXT NOT NULL, -- JSON array of liaison.Reason
	detail    TEXT NOT NULL,
	prev_hash BLOB NOT NULL,
	hash      BLOB NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_no_delete;
DROP TRIGGER audit_no_update;
DROP TABLE audit;
DROP TABLE breaches;
DROP TABLE interaction_orgs;
DROP TABLE interactions;
DROP TABLE feedback;
DROP TABLE rfi_answers;
DROP TABLE rfis;
DROP TABLE release_requests;
DROP TABLE disseminations;
DROP TABLE visible;
DROP TABLE holdings;
DROP TABLE product_topics;
DROP TABLE products;
DROP TABLE agreement_parties;
DROP TABLE agreements;
DROP TABLE tokens;
DROP TABLE officers;
DROP TABLE organisations;
DROP TABLE node;
