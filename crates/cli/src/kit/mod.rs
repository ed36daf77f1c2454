//! What several commands share, and nothing that belongs to one of them: opening the store,
//! the data directory's lock, the analyser, measuring, quiet broken pipes, stored text made safe
//! for a terminal. No module here
//! imports a command or a benchmark.

pub mod analyzer;
pub mod measure;
pub mod pipe;
pub mod store;
pub mod terminal;
