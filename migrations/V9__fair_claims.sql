-- Fair claims: units are claimed round-robin across users and sweeps, so that a small sweep
-- submitted behind a large one starts within seconds. Each unfinished unit waits in the queue of
-- one sweep (the latest that asked for it while it waited; 0 = none); a claim picks the queue whose
-- user, then whose sweep, has the fewest units running and was served least recently, and takes
-- its oldest ready unit. A sweep remembers when it was last served.
ALTER TABLE sweep ADD COLUMN served_at TIMESTAMPTZ;
ALTER TABLE work_unit ADD COLUMN queue BIGINT NOT NULL DEFAULT 0;

UPDATE work_unit u
   SET queue = su.sweep_id
  FROM (SELECT unit_id, max(sweep_id) AS sweep_id FROM sweep_unit GROUP BY unit_id) su
 WHERE su.unit_id = u.id;

-- The queues with unfinished units are found by a loose scan of this index, each queue's oldest
-- unit by one probe; running units are counted per queue from the second.
CREATE INDEX work_unit_queue ON work_unit (queue, id) WHERE status IN ('pending', 'running');
CREATE INDEX work_unit_running ON work_unit (queue) WHERE status = 'running';

-- Superseded by work_unit_queue: with both, the planner may scan every unfinished unit for one
-- queue's oldest.
DROP INDEX work_unit_claimable;
