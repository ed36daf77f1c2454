-- Sign-in throttling shared by every server on the database (issue 16).
-- The pause after a failed attempt on an account (tsunagu_domain::records::access::account_delay).
alter table staff add column attempt_after text;

-- The sign-in budget of one client address (tsunagu_domain::records::throttle): an IPv4
-- address, or an IPv6 /64 network. Rows that no longer matter are removed as addresses come.
create table signin_addresses (
    address text primary key,
    full_at text not null,
    failures bigint not null default 0,
    last_failure text
);
create index signin_addresses_full_at on signin_addresses (full_at);
