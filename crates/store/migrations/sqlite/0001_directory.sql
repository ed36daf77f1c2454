-- The directory. A record is stored whole, as the JSON of its domain type, next to the few
-- columns that queries filter and sort on. Reads are always of whole records (detail pages,
-- exports, index rebuilds), full-text search lives in the search index, and keeping the
-- document is what makes an export/import round trip lossless on both databases.
create table organizations (
    id text primary key,
    name text not null,
    position integer not null,   -- order of the source, kept so exports are stable
    doc text not null            -- JSON of tsunagu_domain::Organization (with locations)
);

create table services (
    id text primary key,
    organization_id text not null references organizations (id) on delete cascade,
    name text not null,
    prefecture text,             -- JIS X 0401 code
    status text not null check (status in ('active', 'temporarily_closed', 'defunct')),
    position integer not null,
    doc text not null            -- JSON of tsunagu_domain::Service
);
create index services_organization on services (organization_id);
create index services_prefecture on services (prefecture);

-- "Report a problem with this listing". No personal data is asked for: a category and a
-- message about the listing. service_id is not a foreign key so that reports survive a
-- directory re-import that drops the listing.
create table problem_reports (
    id integer primary key autoincrement,
    service_id text not null,
    category text not null check (category in ('phone', 'address', 'hours', 'closed', 'other')),
    message text not null,
    status text not null check (status in ('open', 'closed')),
    created_at text not null,    -- RFC 3339, UTC
    closed_at text,
    resolution text
);
create index problem_reports_status on problem_reports (status);

create table dataset_meta (
    key text primary key,
    value text not null
);
