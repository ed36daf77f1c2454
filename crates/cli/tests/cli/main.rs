//! CLI tests: the real `tsunagu` binary, each test with its own data directory. One test
//! binary; one module per capability, as the binary's `commands/` is laid out.

// Fixtures shared by every module: data directories, running the binary, reading its output.
mod helpers;

// Search, import, export, reports, dict build: the directory of support services.
mod directory;
// Staff accounts, the audit trail (`audit verify`), purge, backup and restore.
mod records;
// The alcohol self-check tools, the AUDIT questionnaire (`alcohol audit`) among them.
mod alcohol;
// Deadlines and the 自立支援医療 copay.
mod law;
// One consultation's referral plan, and `eval triage`.
mod triage;
// The knowledge base: `docs …` and `eval docs`.
mod kb;
