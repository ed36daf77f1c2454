#!/usr/bin/env python3
"""HSDS 3.0 API conformance of a running tsunagu, reported the way the Open Referral UK
validator reports its levels (that validator is a .NET program that cannot run here):

  level 1 (must pass): `/`, `/services` with paging, every `/services/{id}`;
  level 2 (reported):  `/organizations`, `/organizations/{id}`, `/service_at_locations`,
                       `/service_at_locations/{id}`, `/taxonomies`, `/taxonomy_terms` (+ `/{id}`),
                       and `/services?full=true` and `?format=ndjson`.

Every document is validated against the official compiled schemas in
../shared/standards/hsds-3.0/compiled with formats checked (jsonschema_rs, the validator
schemathesis brings). Exits 1 when level 1 fails; level 2 is printed, endpoint by endpoint.

Usage: scripts/hsds_conformance.py --base http://127.0.0.1:PORT/hsds --schemas DIR
(run by scripts/hsds-conformance, which starts the server).
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request

import jsonschema_rs


def get_text(url):
    """Status and body text of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def get(url):
    """Status and parsed JSON of a GET (None when it is not a 200)."""
    status, text = get_text(url)
    return status, json.loads(text) if status == 200 else None


class Level:
    def __init__(self, name):
        self.name = name
        self.rows = []

    def check(self, endpoint, ok, detail):
        self.rows.append((endpoint, ok, detail))

    def passed(self):
        return all(ok for _, ok, _ in self.rows)

    def print(self):
        print(f"{self.name}: {'PASS' if self.passed() else 'FAIL'}")
        for endpoint, ok, detail in self.rows:
            print(f"  {'ok  ' if ok else 'FAIL'} {endpoint}: {detail}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--schemas", required=True)
    a = ap.parse_args()
    schemas = {}
    for name in ["service", "service_list", "organization", "organization_list",
                 "service_at_location", "service_at_location_list"]:
        with open(os.path.join(a.schemas, f"{name}.json"), encoding="utf-8") as f:
            schemas[name] = jsonschema_rs.validator_for(json.load(f), validate_formats=True)

    def violations(name, doc):
        return [str(e).splitlines()[0] for e in schemas[name].iter_errors(doc)]

    def paged(path, item_schema, level, label, extra=""):
        """Walks every page; validates each item; returns the items' ids."""
        ids, bad, pages = [], [], 0
        page = 1
        while True:
            status, body = get(f"{a.base}{path}?{extra}page={page}&per_page=100")
            if status != 200 or not isinstance(body, dict) or "contents" not in body:
                level.check(label, False, f"HTTP {status}")
                return None
            pages += 1
            for item in body["contents"]:
                if item_schema:
                    bad += violations(item_schema, item)
                ids.append(item.get("id"))
            missing = [k for k in ["total_items", "total_pages", "page_number", "size",
                                   "first_page", "last_page", "empty"] if k not in body]
            if missing:
                level.check(label, False, f"page lacks {missing}")
                return None
            if body["last_page"]:
                break
            page += 1
        level.check(label, not bad, f"{len(ids)} items over {pages} page(s), "
                    f"{len(bad)} schema violations{': ' + bad[0] if bad else ''}")
        return ids

    def each(path, ids, schema, level, label):
        bad, failed = [], 0
        for i in ids:
            status, body = get(f"{a.base}{path}/{i}")
            if status != 200:
                failed += 1
                continue
            if schema:
                bad += violations(schema, body)
        level.check(label, not bad and not failed,
                    f"{len(ids)} documents, {failed} not answered, {len(bad)} schema violations"
                    f"{': ' + bad[0] if bad else ''}")

    one = Level("level 1 (required)")
    status, root = get(f"{a.base}/")
    one.check("/", status == 200 and isinstance(root, dict) and root.get("version", "").startswith("3"),
              f"HTTP {status}, version {root.get('version') if isinstance(root, dict) else None}")
    if isinstance(root, dict):
        links = [root.get("profile", ""), root.get("openapi_url", "")]
        answered = [get_text(u)[0] if u.startswith(("http://", "https://")) else None for u in links]
        one.check("/ links", answered == [200, 200],
                  f"profile and openapi_url absolute and answered: {answered}")
    ids = paged("/services", "service_list", one, "/services")
    if ids is not None:
        each("/services", ids, "service", one, "/services/{id}")

    two = Level("level 2 (optional, reported)")
    # The standard parameters of /services that change what an item holds.
    full = paged("/services", "service", two, "/services?full=true", "full=true&")
    if full is not None and ids is not None:
        two.check("/services?full=true ids", full == ids, f"{len(full)} ids, same as /services: {full == ids}")
    status, raw = get_text(f"{a.base}/services?format=ndjson")
    lines = [json.loads(l) for l in raw.splitlines() if l.strip()] if status == 200 else []
    bad = [v for l in lines for v in violations("service_list", l)]
    two.check("/services?format=ndjson", status == 200 and ids is not None and len(lines) == len(ids) and not bad,
              f"HTTP {status}, {len(lines)} lines for {len(ids or [])} services, {len(bad)} schema violations")
    orgs = paged("/organizations", "organization_list", two, "/organizations")
    if orgs is not None:
        each("/organizations", orgs, "organization", two, "/organizations/{id}")
    sals = paged("/service_at_locations", "service_at_location_list", two, "/service_at_locations")
    if sals is not None:
        each("/service_at_locations", sals, "service_at_location", two, "/service_at_locations/{id}")
    for path in ["/taxonomies", "/taxonomy_terms"]:
        got = paged(path, None, two, path)
        if got is not None:
            each(path, got, None, two, path + "/{id}")

    one.print()
    two.print()
    sys.exit(0 if one.passed() else 1)


if __name__ == "__main__":
    main()
