-- Large kernels in tiles: a kernel_tile unit computes one block of a kernel and leaves it as an Arrow
-- file, with no result row; the kernel unit that depends on its tiles assembles them. So a unit's
-- artifact is recorded on the unit itself, where the units that depend on it read it.

ALTER TABLE work_unit DROP CONSTRAINT work_unit_kind_check;
ALTER TABLE work_unit ADD CONSTRAINT work_unit_kind_check
    CHECK (kind IN ('kernel', 'finite', 'ensemble', 'empirical', 'kernel_tile'));

ALTER TABLE work_unit ADD COLUMN artifact TEXT;

-- Units done before this migration have their artifact on their result rows (one file a unit).
UPDATE work_unit u
   SET artifact = r.artifact
  FROM (SELECT DISTINCT ON (unit_id) unit_id, artifact
          FROM result WHERE artifact IS NOT NULL ORDER BY unit_id, id) r
 WHERE r.unit_id = u.id;
