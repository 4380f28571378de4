-- Ensembles: a unit may depend on other units (an ensemble on its members, one per seed). It is
-- claimable only once every dependency is done, and fails when one of them fails.

ALTER TABLE work_unit DROP CONSTRAINT work_unit_kind_check;
ALTER TABLE work_unit ADD CONSTRAINT work_unit_kind_check CHECK (kind IN ('kernel', 'finite', 'ensemble'));
ALTER TABLE work_unit ADD COLUMN depends_on BIGINT[] NOT NULL DEFAULT '{}';

ALTER TABLE result DROP CONSTRAINT result_model_check;
ALTER TABLE result ADD CONSTRAINT result_model_check CHECK (model IN ('nngp', 'ntk', 'finite', 'ensemble'));
