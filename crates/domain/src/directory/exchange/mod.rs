//! The directory in and out: [`hsds`] (HSDS 3.0 JSON with the Japan profile), [`csv`] (one row
//! per service, for spreadsheets) and [`handbook`] (the importer of seed 004's directory
//! tables), with [`rrule`] reading HSDS schedules other systems wrote.

pub mod csv;
pub mod handbook;
pub mod hsds;
pub mod rrule;
