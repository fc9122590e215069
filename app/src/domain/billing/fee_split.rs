//! Splitting one charge's fee across its donation items: pro rata to each item's gross, with
//! largest-remainder rounding so the shares add up to the fee exactly.

/// Each item's share of `fee`, in item order. Shares are proportional to `grosses` and sum to
/// `fee` exactly; leftover minor units go to the items with the largest remainders (earlier
/// items first on ties). Returns `None` for no items, a non-positive gross, or a negative fee.
pub fn split(fee: i64, grosses: &[i64]) -> Option<Vec<i64>> {
    if grosses.is_empty() || fee < 0 || grosses.iter().any(|&g| g <= 0) {
        return None;
    }
    let total: i128 = grosses.iter().map(|&g| i128::from(g)).sum();
    let fee = i128::from(fee);
    let mut shares: Vec<i128> = Vec::with_capacity(grosses.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(grosses.len());
    for (i, &g) in grosses.iter().enumerate() {
        let exact = fee * i128::from(g);
        shares.push(exact / total);
        remainders.push((exact % total, i));
    }
    let mut left = fee - shares.iter().sum::<i128>();
    // Largest remainder first; on ties the earlier item.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares.into_iter().map(|s| i64::try_from(s).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shares_follow_gross_and_sum_exactly() {
        assert_eq!(split(59, &[1000]), Some(vec![59]));
        assert_eq!(split(100, &[100, 100, 100]), Some(vec![34, 33, 33]));
        assert_eq!(split(88, &[500, 300, 200]), Some(vec![44, 26, 18]));
        assert_eq!(split(0, &[5, 7]), Some(vec![0, 0]));
        assert_eq!(split(1, &[1, 1_000_000]), Some(vec![0, 1]));
    }

    #[test]
    fn nonsense_is_refused() {
        assert_eq!(split(10, &[]), None);
        assert_eq!(split(10, &[0, 5]), None);
        assert_eq!(split(-1, &[5]), None);
    }

    proptest! {
        #[test]
        fn shares_always_sum_to_the_fee_and_stay_within_one_unit_of_exact(
            grosses in prop::collection::vec(1i64..5_000_000, 1..40),
            fee_ratio in 0u32..1000,
        ) {
            let total: i64 = grosses.iter().sum();
            let fee = total * i64::from(fee_ratio) / 1000;
            let shares = split(fee, &grosses).unwrap();
            prop_assert_eq!(shares.iter().sum::<i64>(), fee);
            for (s, g) in shares.iter().zip(&grosses) {
                let exact = fee as f64 * *g as f64 / total as f64;
                prop_assert!((*s as f64 - exact).abs() < 1.0 + 1e-9, "share {} vs exact {}", s, exact);
                prop_assert!(*s >= 0 && *s <= *g);
            }
        }
    }
}
