-- Deadlines of stored cases (issue 4). A case event is a record of kind 'case' (its JSON body is
-- the event as `tsunagu deadlines` reads it); each obligation the engine derived from it is a
-- row here, so that the due list is an indexed range query over open obligations.
-- `due` is the due day or JST wall time as shown ('2026-11-30' or '2026-11-21T11:00');
-- `due_at` is the RFC 3339 UTC instant at which it is overdue (the end of the JST day, or the
-- moment), fixed width like every time here, so that comparing the text compares the times.
-- Obligations are derived data: when a record's consent is withdrawn they are deleted with the
-- record's usability, and deleting the record deletes them.
create table obligations (
    id integer primary key autoincrement,
    record_id integer not null references records (id) on delete cascade,
    subject_id integer not null references subjects (id) on delete cascade,
    organization text not null,
    obligation text not null,
    due text not null,
    due_at text not null,
    law text not null,
    source text not null,
    meaning text not null,
    done_at text,
    done_by integer references staff (id)
);
create index obligations_open_due on obligations (organization, due_at) where done_at is null;
create index obligations_subject on obligations (subject_id, due_at);
create index obligations_record on obligations (record_id);
