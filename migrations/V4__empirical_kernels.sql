-- Empirical kernels of finite networks (Novak et al. 2019): their own unit kind, their predictions
-- recorded as models of their own, with the distance to the analytic kernel.

ALTER TABLE work_unit DROP CONSTRAINT work_unit_kind_check;
ALTER TABLE work_unit ADD CONSTRAINT work_unit_kind_check
    CHECK (kind IN ('kernel', 'finite', 'ensemble', 'empirical'));

ALTER TABLE result DROP CONSTRAINT result_model_check;
ALTER TABLE result ADD CONSTRAINT result_model_check
    CHECK (model IN ('nngp', 'ntk', 'finite', 'ensemble', 'empirical_nngp', 'empirical_ntk'));

-- ‖K̂ − K‖_F / ‖K‖_F on the training set, for empirical kernels.
ALTER TABLE result ADD COLUMN kernel_error DOUBLE PRECISION;
