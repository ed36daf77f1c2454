//! The frame of every page: what `templates/kit/base.html` needs (the crisis lines of the
//! banner). The site navigation itself is in the template, so it is on every page.

use crate::kit::state::{AppState, CrisisLine};

/// What every page needs for its frame.
pub struct Layout {
    /// The crisis lines of the banner.
    pub crisis: Vec<CrisisLine>,
}

impl Layout {
    /// The frame for a page, from the state in use.
    pub fn of(state: &AppState) -> Layout {
        Layout {
            crisis: state.catalog().crisis.clone(),
        }
    }
}
