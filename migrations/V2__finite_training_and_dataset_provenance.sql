-- Finite networks: how each was trained, runs that diverged (a result without test metrics), and
-- training curves. Datasets: the subset rule, target encoding and content identity of every result.

ALTER TABLE result
    ALTER COLUMN test_accuracy DROP NOT NULL,
    ALTER COLUMN test_mse DROP NOT NULL,
    ADD COLUMN subset            TEXT,
    ADD COLUMN targets           TEXT,
    ADD COLUMN dataset_identity  TEXT,
    ADD COLUMN loss              TEXT,
    ADD COLUMN momentum          DOUBLE PRECISION,
    ADD COLUMN weight_decay_mode TEXT,
    ADD COLUMN centred           BOOLEAN,
    ADD COLUMN diverged_at_step  BIGINT,
    ADD COLUMN note              TEXT,
    ADD COLUMN train_seconds     DOUBLE PRECISION;

CREATE TABLE training_curve (
    unit_id         BIGINT           NOT NULL REFERENCES work_unit (id),
    step            BIGINT           NOT NULL,
    t               DOUBLE PRECISION NOT NULL,
    train_loss      DOUBLE PRECISION,
    train_accuracy  DOUBLE PRECISION,
    test_loss       DOUBLE PRECISION,
    test_accuracy   DOUBLE PRECISION,
    PRIMARY KEY (unit_id, step)
);
