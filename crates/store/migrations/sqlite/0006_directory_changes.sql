-- When each directory record last changed, and a service's taxonomy terms as text (issue 18:
-- HSDS `last_modified`, and the `/services` filters `modified_after` and `taxonomy_id`).
-- Times are stored as tsunagu's fixed-width RFC 3339 UTC text (microseconds), so text order
-- is time order. `terms` is tsunagu_domain::directory::exchange::hsds::term_keys of the doc.
alter table organizations add column modified_at text;
alter table services add column modified_at text;
alter table services add column terms text not null default ' ';

-- Decision: records stored before this migration changed at an unknown earlier time. They
-- are stamped with the time of the migration, so a client that syncs with modified_after
-- fetches them once more rather than never.
update organizations set modified_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z';
update services set modified_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z';
update services set terms = ' ' || coalesce((
    select group_concat(k, ' ') from (
        select 'tsunagu-concern:' || value as k from json_each(services.doc, '$.concerns')
        union all
        select 'tsunagu-audience:' || value from json_each(services.doc, '$.audiences')
        union all
        select 'tsunagu-service-kind:' || value from json_each(services.doc, '$.service_kinds')
    )
) || ' ', '');
create index services_modified on services (modified_at);
create index organizations_modified on organizations (modified_at);
