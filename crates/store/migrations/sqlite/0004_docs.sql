-- Knowledge base (issue 7): guideline documents the deployer ingests at run time, and their
-- passages. Not personal data. `body` keeps the text as supplied, so that the context view can
-- show the lines around a passage and a rule's citation can be checked against the lines it
-- cites. `report` is JSON: what the parser cleaned and what it could not follow.
-- Re-ingesting a document replaces its row and all its passages in one transaction.
create table kb_documents (
    name text primary key,
    title text not null,
    sha256 text not null,
    bytes bigint not null,
    lines bigint not null,
    ingested_at text not null,
    report text not null,
    body text not null
);
create table kb_passages (
    document text not null references kb_documents (name) on delete cascade,
    seq bigint not null,
    line_from bigint not null,
    line_to bigint not null,
    data text not null,
    primary key (document, seq)
);
