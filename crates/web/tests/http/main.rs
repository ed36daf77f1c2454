//! HTTP tests: the whole app driven with `oneshot`, no port, one fresh SQLite database per
//! test. One module per capability, as in `src/`:

// Fixtures: the store, the app with a fixed clock, request helpers.
mod helpers;

// Search, service pages, problem reports, the JSON and HSDS API.
mod directory;
// The official HSDS 3.0 schemas, read from ../shared/standards at test time.
#[path = "../../../../tests/support/hsds_schema.rs"]
mod hsds_schema;
// The public alcohol self-checks.
mod alcohol;
// 制度ナビ and the 自立支援医療 calculator.
mod law;
// Triage on the page and in the API.
mod triage;
// The knowledge base: questions, context, rules next to their passages.
mod kb;
// Staff sign-in, personal records, and the staff alcohol and deadline pages.
mod records;
// Shared concerns: rate limits, CSRF, same-origin, navigation.
mod site;
// Property tests and the bad-input corpus over every endpoint that takes input.
mod fuzz;
