-- Which run holds a pending charge's claim: a run renews only its own leases while it works
-- on them, and reports the charges it found leased by another run (and until when) instead
-- of passing over them in silence.
alter table charges add column claimed_by text;
