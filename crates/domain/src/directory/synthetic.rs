//! A synthetic directory of any size, built from the bundled one, for benchmarks and scale
//! tests. Deterministic (a fixed seed): the same `n` gives the same directory. Every record's
//! name says where it came from; nothing in it is a real listing.

use crate::common::ids::{InvalidId, LocationId, OrganizationId, ServiceId};
use crate::directory::model::{Directory, Location, ServiceArea};
use crate::directory::prefecture::Prefecture;

/// Why a synthetic directory could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    /// A template service's organization is missing from the base directory.
    #[error("a template service has no organization in the base directory")]
    NoOrganization,
    /// A generated id was refused.
    #[error(transparent)]
    Id(#[from] InvalidId),
}

/// A tiny deterministic generator (xorshift64*), enough to spread synthetic records.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

const PLACE_SUFFIXES: [&str; 12] = [
    "中央", "北", "南", "東", "西", "第一", "第二", "駅前", "本町", "新町", "港", "山手",
];

/// N synthetic services built from the bundled ones.
pub fn synthetic(base: &Directory, n: usize) -> Result<Directory, SyntheticError> {
    if base.services.is_empty() {
        return Ok(Directory::default());
    }
    let mut rng = Rng(0x7473_756e_6167_7521);
    let mut dir = Directory::default();
    let prefectures: Vec<Prefecture> = Prefecture::all().collect();
    for i in 0..n {
        let template = &base.services[rng.below(base.services.len())];
        let org_template = base
            .organization(&template.organization_id)
            .ok_or(SyntheticError::NoOrganization)?;
        let pref = prefectures[rng.below(prefectures.len())];
        let place = PLACE_SUFFIXES[rng.below(PLACE_SUFFIXES.len())];
        let mut org = org_template.clone();
        org.id = OrganizationId::parse(format!("syn-org-{i}"))?;
        org.name = format!("{}{}{}", pref.short_name(), place, org_template.name);
        let loc = Location {
            id: LocationId::parse(format!("syn-loc-{i}"))?,
            kind: Default::default(),
            postal_code: None,
            prefecture: Some(pref),
            address: Some(format!(
                "{}{}町{}-{}",
                pref.short_name(),
                place,
                rng.below(9) + 1,
                rng.below(30) + 1
            )),
        };
        org.locations = vec![loc.clone()];
        let mut s = template.clone();
        s.id = ServiceId::parse(format!("syn-{i}"))?;
        s.organization_id = org.id.clone();
        s.name = format!("{}{} {}", pref.short_name(), place, template.name);
        s.location_ids = vec![loc.id.clone()];
        s.service_area = Some(ServiceArea::Prefecture { prefecture: pref });
        dir.organizations.push(org);
        dir.services.push(s);
    }
    Ok(dir)
}
