//! Page images and expense receipts: the upload forms' handlers and the `/media/…` files they
//! store.
//!
//! Each upload is a plain multipart form (it works without WebAssembly). Its CSRF token
//! travels in the form's address, as `?csrf_token=`, because the CSRF middleware does not
//! read multipart bodies. The handlers answer with a redirect back to the studio, carrying
//! `?image=saved` or `?image_error=<code>` (see `UploadError::code`) for page images, and
//! `?receipt=<stored name>` or `?receipt_error=<code>` for receipts.

use crate::plain::{internal, not_found};
use app::domain::AppState;
use app::domain::payouts::expenses::{self, ExpenseError};
use app::domain::payouts::receipt_uploads::{self, ReserveError};
use app::domain::platform::uploads::{
    self, ImageKind, MAX_IMAGE_BYTES, MAX_RECEIPT_BYTES, UploadError,
};
use app::domain::recipients::RecipientError;
use app::domain::recipients::{pages, studio};
use app::i18n::Locale;
use app::web::RequestSession;
use axum::Extension;
use axum::extract::{Multipart, Path};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};

/// The most an upload request may carry: the image plus the multipart framing.
pub const UPLOAD_BODY_LIMIT: usize = MAX_IMAGE_BYTES + 64 * 1024;

/// The most a receipt upload request may carry: the file plus the multipart framing.
pub const RECEIPT_BODY_LIMIT: usize = MAX_RECEIPT_BYTES + 64 * 1024;

fn back(recipient: i64, query: &str) -> Response {
    Redirect::to(&format!("/studio/p/{recipient}?{query}#image")).into_response()
}

fn refused(recipient: i64, e: &UploadError) -> Response {
    back(recipient, &format!("image_error={}", e.code()))
}

/// Reads the `image` field, stopping as soon as it is over the limit.
async fn read_image(multipart: &mut Multipart) -> Result<Vec<u8>, UploadError> {
    read_file(
        multipart,
        "image",
        MAX_IMAGE_BYTES,
        UploadError::TooLarge,
        UploadError::NotAnImage,
    )
    .await
}

/// Reads the file field `name`, stopping as soon as it is over `limit` bytes; a body over the
/// limit is refused with `too_large`, a malformed one with `malformed`.
async fn read_file(
    multipart: &mut Multipart,
    name: &str,
    limit: usize,
    too_large: UploadError,
    malformed: UploadError,
) -> Result<Vec<u8>, UploadError> {
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Err(UploadError::Empty),
            // A body cut off at the request limit is too large, not malformed.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large);
            }
            Err(_) => return Err(malformed),
        };
        if field.name() != Some(name) {
            continue;
        }
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > limit {
                        return Err(too_large);
                    }
                }
                Ok(None) => return Ok(bytes),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(too_large);
                }
                Err(_) => return Err(malformed),
            }
        }
    }
}

/// `POST /studio/p/{id}/image`: stores the page's new image if the caller owns the page.
pub async fn upload(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Extension(locale): Extension<Locale>,
    Path(recipient): Path<i64>,
    mut multipart: Multipart,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to(&format!("/login?next=/studio/p/{recipient}")).into_response();
    };
    // Ownership first: a stranger's upload is not even written to disk.
    match studio::studio_page(&state.db, user.user_id, recipient).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(locale),
        Err(e) => {
            tracing::error!(error = %e, "upload: page lookup failed");
            return internal(locale);
        }
    }
    let bytes = match read_image(&mut multipart).await {
        Ok(b) => b,
        Err(e) => return refused(recipient, &e),
    };
    let name = match uploads::store_image(&state.settings.uploads_dir, &bytes).await {
        Ok(name) => name,
        Err(UploadError::Io(e)) => {
            tracing::error!(error = %e, "upload: could not store the image");
            return internal(locale);
        }
        Err(e) => return refused(recipient, &e),
    };
    match pages::set_image(
        &state.db,
        user.user_id,
        recipient,
        &uploads::media_url(&name),
    )
    .await
    {
        Ok(()) => back(recipient, "image=saved"),
        Err(RecipientError::NotYours) => not_found(locale),
        Err(e) => {
            tracing::error!(error = %e, "upload: could not record the image");
            internal(locale)
        }
    }
}

fn receipt_back(cause: i64, query: &str) -> Response {
    Redirect::to(&format!("/studio/p/{cause}/expenses?{query}#new-expense")).into_response()
}

/// `POST /studio/p/{id}/expenses/receipt`: stores a receipt for an expense of a cause the
/// caller organizes, and sends them back to the expense form with the receipt attached.
pub async fn upload_receipt(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Extension(locale): Extension<Locale>,
    Path(cause): Path<i64>,
    mut multipart: Multipart,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to(&format!("/login?next=/studio/p/{cause}/expenses")).into_response();
    };
    // Ownership first: a stranger's upload is not even written to disk.
    match expenses::owned_cause(&state.db, user.user_id, cause).await {
        Ok(_) => {}
        Err(ExpenseError::NotYours) => {
            return not_found(locale);
        }
        Err(e) => {
            tracing::error!(error = %e, "receipt upload: cause lookup failed");
            return internal(locale);
        }
    }
    let bytes = match read_file(
        &mut multipart,
        "receipt",
        MAX_RECEIPT_BYTES,
        UploadError::ReceiptTooLarge,
        UploadError::NotAReceipt,
    )
    .await
    {
        Ok(b) => b,
        Err(e) => return receipt_back(cause, &format!("receipt_error={}", e.code())),
    };
    let refused = |e: UploadError| receipt_back(cause, &format!("receipt_error={}", e.code()));
    let name = match uploads::receipt_name(&bytes) {
        Ok(name) => name,
        Err(e) => return refused(e),
    };
    // Room is reserved against the page's quota before anything is written.
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let quota = state.settings.receipt_quota_bytes;
    let reserved = match receipt_uploads::reserve(&state.db, cause, &name, size, quota).await {
        Ok(id) => id,
        Err(ReserveError::OverQuota) => return refused(UploadError::ReceiptQuota),
        Err(ReserveError::Db(e)) => {
            tracing::error!(error = %e, "receipt upload: could not reserve room");
            return internal(locale);
        }
    };
    match uploads::store_receipt(&state.settings.uploads_dir, &bytes).await {
        Ok(name) => receipt_back(cause, &format!("receipt={name}")),
        Err(e) => {
            if let Err(e) = receipt_uploads::release(&state.db, reserved).await {
                tracing::error!(error = %e, "receipt upload: could not release the reservation");
            }
            match e {
                UploadError::Io(e) => {
                    tracing::error!(error = %e, "receipt upload: could not store the file");
                    internal(locale)
                }
                e => refused(e),
            }
        }
    }
}

/// `GET /media/{name}`: a stored file with its own type; content-addressed, so cached forever.
/// PDFs open in the browser under a fixed, safe file name.
pub async fn serve(Extension(state): Extension<AppState>, Path(name): Path<String>) -> Response {
    let Some((path, kind)) = uploads::media_file(&state.settings.uploads_dir, &name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut res = (
        [
            (CONTENT_TYPE, kind.content_type()),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response();
    if kind == ImageKind::Pdf {
        // The name is the first characters of the content hash: only hex digits.
        let disposition = format!("inline; filename=\"receipt-{}.pdf\"", &name[..12]);
        if let Ok(v) = http::HeaderValue::from_str(&disposition) {
            res.headers_mut().insert(CONTENT_DISPOSITION, v);
        }
    }
    res
}
