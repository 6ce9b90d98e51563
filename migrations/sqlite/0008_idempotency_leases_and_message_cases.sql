-- Idempotency claims carry a lease (API.md, issue 9): a claim whose work never finished can be
-- taken over once `lease_until` has passed, instead of blocking its key until the sweep.
-- `claim_token` names the request holding the claim, so a request whose claim was taken over
-- cannot store or release it any more. Existing rows have neither: an unfinished one is free.
ALTER TABLE idempotency_keys ADD COLUMN claim_token TEXT;
ALTER TABLE idempotency_keys ADD COLUMN lease_until TEXT;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Messages name the case they are about, so an API client (the mini-program) can route to it
-- without parsing the web path in `link`: the application (draft id) and, once it has one,
-- the 办件编号. Earlier messages learn both from their link.
ALTER TABLE messages ADD COLUMN application_id TEXT;
ALTER TABLE messages ADD COLUMN case_no TEXT;
UPDATE messages SET application_id = substr(link, 15) WHERE link LIKE '/applications/%';
UPDATE messages SET case_no = (SELECT a.case_no FROM applications a WHERE a.id = messages.application_id)
    WHERE application_id IS NOT NULL;
