//! Is this request really from Stripe? The `Stripe-Signature` check every webhook delivery
//! passes before anything reads it, and the signing Stripe does (for tests and tools).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now, either way, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a request is not a genuine, fresh Stripe delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// Checks a `Stripe-Signature` header (`t=…,v1=…,v1=…`) against the raw body: an
/// HMAC-SHA256 of `{t}.{body}` keyed with the endpoint's signing secret must equal one of the
/// `v1` values (several are sent while a secret rotates), compared in constant time, and `t`
/// must be within [`TOLERANCE_SECS`] of `now`.
pub fn verify_signature(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp: Option<&str> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            // A second timestamp makes the header ambiguous.
            "t" if timestamp.is_some() => return Err(SignatureError::Malformed),
            "t" => timestamp = Some(value),
            "v1" => signatures.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            // Other schemes (v0 in test mode) are not used.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    let t: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed)?;
    if !timestamp.bytes().all(|b| b.is_ascii_digit()) || signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - t).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::Mismatch)?;
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected = mac.finalize().into_bytes();
    // Every candidate is compared, in constant time each.
    let matched = signatures.iter().fold(subtle::Choice::from(0u8), |acc, s| {
        acc | subtle::ConstantTimeEq::ct_eq(expected.as_slice(), s.as_slice())
    });
    if bool::from(matched) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `Stripe-Signature` header Stripe would send for `body` at `t` (for tests and tools).
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";

    #[test]
    fn a_signature_made_with_the_secret_is_accepted_within_the_tolerance() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign(SECRET, 1_000, body);
        for now in [1_000, 1_300, 700] {
            assert_eq!(
                verify_signature(SECRET, Some(&header), body, now),
                Ok(()),
                "{now}"
            );
        }
        for now in [1_301, 699] {
            assert_eq!(
                verify_signature(SECRET, Some(&header), body, now),
                Err(SignatureError::Stale)
            );
        }
    }

    #[test]
    fn any_v1_may_match_and_everything_else_is_refused() {
        let body = br#"{"id":"evt_1"}"#;
        let good = sign(SECRET, 1_000, body);
        let good_v1 = good.split_once(",v1=").unwrap().1;
        let other = sign("whsec_old", 1_000, body);
        let other_v1 = other.split_once(",v1=").unwrap().1;
        let rotating = format!("t=1000,v1={other_v1},v1={good_v1},v0=abc");
        assert_eq!(
            verify_signature(SECRET, Some(&rotating), body, 1_000),
            Ok(())
        );
        assert_eq!(
            verify_signature(SECRET, Some(&other), body, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(SECRET, Some(&good), br#"{"id":"evt_2"}"#, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(SECRET, None, body, 1_000),
            Err(SignatureError::Missing)
        );
        for bad in [
            "",
            "garbage",
            &format!("v1={good_v1}"),
            "t=1000",
            &format!("t=1000,t=1000,v1={good_v1}"),
            &format!("t=+1000,v1={good_v1}"),
            &format!("t=abc,v1={good_v1}"),
            "t=1000,v1=zz",
        ] {
            assert_eq!(
                verify_signature(SECRET, Some(bad), body, 1_000),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }
}
