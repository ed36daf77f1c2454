//! 自立支援医療（精神通院医療）: money rules. The dated rules (validity, renewal window) are in
//! [`crate::deadlines`].

use crate::deadlines::Basis;

/// Where the rounding rule is: co-payments are rounded to the nearest ¥10 (amounts under ¥10
/// 四捨五入), as 健康保険法第75条 does for the insurance co-payment they are part of.
pub const ROUNDING_BASIS: Basis = Basis {
    law: "健康保険法第75条の端数処理（自立支援医療の自己負担）",
    source: "004_d9518c60032bdf29.txt:20558",
};

/// A co-payment in yen rounded to the nearest ¥10, with ¥5 rounding up (四捨五入).
pub fn round_copayment(yen: u64) -> u64 {
    (yen.saturating_add(5) / 10) * 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copayments_round_half_up_to_ten_yen() {
        assert_eq!(round_copayment(0), 0);
        assert_eq!(round_copayment(4), 0);
        assert_eq!(round_copayment(5), 10);
        assert_eq!(round_copayment(1234), 1230);
        assert_eq!(round_copayment(1235), 1240);
        assert_eq!(round_copayment(2500), 2500);
    }
}
