//! The support directory: 精神保健福祉センター, 保健所, hospitals, recovery facilities,
//! self-help and family groups, with hours, contacts and where each fact came from.
//!
//! # Map
//! - [`model`]: the HSDS 3.0 profile for Japan (organizations, services, locations,
//!   provenance and data-quality notes).
//! - [`codes`]: concerns, audiences, resource and service kinds, statuses (codes + Japanese
//!   labels).
//! - [`prefecture`], [`phone`], [`schedule`]: JIS X 0401 prefectures and 指定都市, phone
//!   numbers as printed, opening hours and the open-now rule.
//! - [`report`]: problem reports on a listing (categories, status, the acceptable message).
//! - [`dataset`]: the bundled directory (`data/seed-directory.json`, written from seeds 000
//!   and 001 with line provenance, and `data/handbook-tables.json`, imported from seed 004).
//! - [`exchange`]: HSDS JSON, CSV, and the importer of the handbook's tables.
//! - [`synthetic`]: a deterministic synthetic directory of any size, for benchmarks and scale
//!   tests.
//!
//! Stored by `tsunagu_store::directory`, searched by `tsunagu_search::directory`, served by
//! `tsunagu_web::directory`.

pub mod codes;
pub mod dataset;
pub mod exchange;
pub mod model;
pub mod phone;
pub mod prefecture;
pub mod report;
pub mod schedule;
pub mod synthetic;
