-- The NNGP posterior variance, averaged over the test points, where a sweep asked for it
-- (per-point variances are in the predictions artifact).
ALTER TABLE result ADD COLUMN test_variance DOUBLE PRECISION;
