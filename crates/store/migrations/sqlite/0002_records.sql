-- Sensitive records (issue 5): staff accounts, sessions, the people whose records are held,
-- their consents, the records themselves, and the append-only audit trail.
-- Every time is text in RFC 3339 UTC with microseconds ("2026-11-21T09:00:00.000000Z"), one
-- fixed width, so that comparing the text compares the times.

create table staff (
    id integer primary key autoincrement,
    username text not null unique,
    organization text not null,          -- the scope: staff see their own organisation only
    role text not null check (role in ('admin', 'clinician', 'counsellor', 'viewer')),
    password_hash text not null,         -- argon2id PHC string
    totp_secret text,                    -- base32; null until enrolled
    totp_last_step integer,              -- last accepted RFC 6238 step, against replays
    failed_logins integer not null default 0,
    locked_until text,
    disabled_at text,
    created_at text not null
);

-- A session is found by the SHA-256 of its cookie token, so a copy of the database does not
-- hold usable cookies.
create table sessions (
    token_hash text primary key,
    staff_id integer not null references staff (id) on delete cascade,
    csrf_token text not null,
    stage text not null check (stage in ('second_factor', 'active')),
    created_at text not null,
    last_seen text not null,
    remote text not null
);
create index sessions_staff on sessions (staff_id);

-- A person whose records are held. `label` is what staff call the file (a pseudonym or
-- initials are encouraged); contact details are not asked for.
create table subjects (
    id integer primary key autoincrement,
    organization text not null,
    label text not null,
    created_by integer not null references staff (id),
    created_at text not null
);
create index subjects_organization on subjects (organization);

create table consents (
    id integer primary key autoincrement,
    subject_id integer not null references subjects (id) on delete cascade,
    purpose text not null,
    scope text not null,                 -- record kinds, comma-separated codes
    given_by text not null check (given_by in ('subject', 'family', 'legal_representative')),
    giver_name text,
    given_at text not null,
    recorded_by integer not null references staff (id),
    recorded_at text not null,
    withdrawn_at text,
    withdrawn_by integer references staff (id)
);
create index consents_subject on consents (subject_id);

create table records (
    id integer primary key autoincrement,
    subject_id integer not null references subjects (id) on delete cascade,
    consent_id integer not null references consents (id),
    kind text not null check (kind in ('consultation', 'drinking_diary', 'alcohol_pathway', 'case')),
    body text not null,                  -- JSON object
    created_by integer not null references staff (id),
    created_at text not null,
    retain_until text not null,          -- from the retention policy of its kind
    deletion_due text                    -- set when its consent is withdrawn
);
create index records_subject on records (subject_id);
create index records_retain_until on records (retain_until);
create index records_deletion_due on records (deletion_due) where deletion_due is not null;

-- The audit trail. seq runs 1, 2, 3 … without gaps; hash = SHA-256(prev_hash, seq, event)
-- (tsunagu_domain::audit). No foreign keys: entries outlive the records they describe.
create table audit_log (
    seq integer primary key,
    at text not null,
    actor text not null,
    action text not null,
    target text not null,
    target_id text,
    subject_id integer,
    remote text not null,
    detail text not null,
    prev_hash text not null,
    hash text not null
);
create index audit_log_target on audit_log (target, target_id);
create index audit_log_subject on audit_log (subject_id) where subject_id is not null;

-- Append-only: the database itself refuses to change or remove an entry. Someone with the
-- file can still drop these triggers; `tsunagu audit verify` then finds the change.
create trigger audit_log_no_update before update on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
create trigger audit_log_no_delete before delete on audit_log
begin
    select raise(abort, 'audit_log is append-only');
end;
