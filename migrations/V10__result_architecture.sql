-- Architectures as layer lists: every result records its canonical layer string (ArchitectureSpec
-- .architecture() in Java), e.g. dense>relu>dense>relu>dense for a depth-2 FC network.

ALTER TABLE result ADD COLUMN architecture TEXT;

-- Rows written before this migration are fully connected: depth × (dense, activation), then the
-- dense readout. Inside an activation's parameters the canonical string writes "," where the
-- activation id writes ", " (LayerTerm.Act.canonical), e.g. dense>erf(a=2,c=0.3)>dense.
UPDATE result
   SET architecture = repeat('dense>' || replace(activation, ', ', ',') || '>', depth) || 'dense'
 WHERE family = 'fc' AND architecture IS NULL;
