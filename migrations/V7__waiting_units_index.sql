-- Units that wait on others (ensembles) are checked on every claim; index just those.
CREATE INDEX work_unit_waiting ON work_unit (id)
    WHERE status = 'pending' AND cardinality(depends_on) > 0;
