-- Optimizer steps a finite network took (its budget in epochs or steps, or fewer if it diverged).
ALTER TABLE result ADD COLUMN steps BIGINT;
