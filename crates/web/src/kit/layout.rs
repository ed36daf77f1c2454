use crate::kit::state::AppState;
use crate::kit::state::CrisisLine;

/// What every page needs for its frame.
pub struct Layout {
    pub crisis: Vec<CrisisLine>,
}

impl Layout {
    pub fn of(state: &AppState) -> Layout {
        Layout {
            crisis: state.catalog().crisis.clone(),
        }
    }
}
