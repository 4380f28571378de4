-- widescan core schema: sweeps, the work units they expand into, and one result row per model evaluated.
-- Work units are shared across sweeps through sweep_unit: a unit is identified by the content hash of
-- everything that determines its result, so the same computation is never done twice, team-wide.

CREATE TABLE sweep (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT        NOT NULL,
    spec          JSONB       NOT NULL,
    submitted_by  TEXT        NOT NULL,
    code_version  TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    cancelled_at  TIMESTAMPTZ
);

CREATE TABLE work_unit (
    id                BIGSERIAL PRIMARY KEY,
    content_hash      TEXT        NOT NULL UNIQUE,
    kind              TEXT        NOT NULL CHECK (kind IN ('kernel', 'finite')),
    kernel_key        TEXT        NOT NULL,
    params            JSONB       NOT NULL,
    status            TEXT        NOT NULL DEFAULT 'pending'
                                  CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts          INTEGER     NOT NULL DEFAULT 0,
    max_attempts      INTEGER     NOT NULL DEFAULT 3,
    lease_owner       TEXT,
    lease_expires_at  TIMESTAMPTZ,
    error             TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    compute_seconds   DOUBLE PRECISION,
    worker            TEXT
);

-- The claim query scans only units that may still be claimed.
CREATE INDEX work_unit_claimable ON work_unit (id) WHERE status IN ('pending', 'running');

CREATE TABLE sweep_unit (
    sweep_id  BIGINT NOT NULL REFERENCES sweep (id) ON DELETE CASCADE,
    unit_id   BIGINT NOT NULL REFERENCES work_unit (id),
    PRIMARY KEY (sweep_id, unit_id)
);

CREATE INDEX sweep_unit_by_unit ON sweep_unit (unit_id);

CREATE TABLE result (
    id                BIGSERIAL PRIMARY KEY,
    unit_id           BIGINT           NOT NULL REFERENCES work_unit (id),
    row_key           TEXT             NOT NULL,
    model             TEXT             NOT NULL CHECK (model IN ('nngp', 'ntk', 'finite')),
    dataset           TEXT             NOT NULL,
    preprocess        TEXT             NOT NULL,
    train_size        INTEGER          NOT NULL,
    test_size         INTEGER          NOT NULL,
    family            TEXT             NOT NULL,
    activation        TEXT             NOT NULL,
    depth             INTEGER          NOT NULL,
    w_std             DOUBLE PRECISION NOT NULL,
    b_std             DOUBLE PRECISION NOT NULL,
    parameterization  TEXT             NOT NULL,
    width             INTEGER,
    lr                DOUBLE PRECISION,
    weight_decay      DOUBLE PRECISION,
    epochs            INTEGER,
    batch_size        INTEGER,
    seed              INTEGER,
    diag_reg          DOUBLE PRECISION,
    t                 DOUBLE PRECISION,
    test_accuracy     DOUBLE PRECISION NOT NULL,
    test_mse          DOUBLE PRECISION NOT NULL,
    train_loss        DOUBLE PRECISION,
    artifact          TEXT,
    created_at        TIMESTAMPTZ      NOT NULL DEFAULT now(),
    UNIQUE (unit_id, row_key)
);
