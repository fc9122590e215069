//! Page images: the upload form's handler and the `/media/…` files it stores.
//!
//! The upload is a plain multipart form (it works without WebAssembly). Its CSRF token
//! travels in the form's address, as `?csrf_token=`, because the CSRF middleware does not
//! read multipart bodies. The handler answers with a redirect back to the studio, carrying
//! `?image=saved` or `?image_error=<code>` (see `UploadError::code`).

use app::domain::AppState;
use app::domain::recipients::RecipientError;
use app::domain::studio;
use app::domain::uploads::{self, MAX_IMAGE_BYTES, UploadError};
use app::web::RequestSession;
use axum::Extension;
use axum::extract::{Multipart, Path};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};

/// The most an upload request may carry: the image plus the multipart framing.
pub const UPLOAD_BODY_LIMIT: usize = MAX_IMAGE_BYTES + 64 * 1024;

fn back(recipient: i64, query: &str) -> Response {
    Redirect::to(&format!("/studio/p/{recipient}?{query}#image")).into_response()
}

fn refused(recipient: i64, e: &UploadError) -> Response {
    back(recipient, &format!("image_error={}", e.code()))
}

/// Reads the `image` field, stopping as soon as it is over the limit.
async fn read_image(multipart: &mut Multipart) -> Result<Vec<u8>, UploadError> {
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Err(UploadError::Empty),
            // A body cut off at the request limit is too large, not malformed.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(UploadError::TooLarge);
            }
            Err(_) => return Err(UploadError::NotAnImage),
        };
        if field.name() != Some("image") {
            continue;
        }
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > MAX_IMAGE_BYTES {
                        return Err(UploadError::TooLarge);
                    }
                }
                Ok(None) => return Ok(bytes),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(UploadError::TooLarge);
                }
                Err(_) => return Err(UploadError::NotAnImage),
            }
        }
    }
}

/// `POST /studio/p/{id}/image`: stores the page's new image if the caller owns the page.
pub async fn upload(
    Extension(state): Extension<AppState>,
    Extension(session): Extension<RequestSession>,
    Path(recipient): Path<i64>,
    mut multipart: Multipart,
) -> Response {
    let Some(user) = session.0.map(|s| s.user) else {
        return Redirect::to(&format!("/login?next=/studio/p/{recipient}")).into_response();
    };
    // Ownership first: a stranger's upload is not even written to disk.
    match studio::studio_page(&state.db, user.user_id, recipient).await {
        Ok(Some(_)) => {}
        Ok(None) => return (StatusCode::NOT_FOUND, "We could not find that.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "upload: page lookup failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
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
            return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
        }
        Err(e) => return refused(recipient, &e),
    };
    match studio::set_image(
        &state.db,
        user.user_id,
        recipient,
        &uploads::media_url(&name),
    )
    .await
    {
        Ok(()) => back(recipient, "image=saved"),
        Err(RecipientError::NotYours) => {
            (StatusCode::NOT_FOUND, "We could not find that.").into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "upload: could not record the image");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response()
        }
    }
}

/// `GET /media/{name}`: a stored image with its own type; content-addressed, so cached forever.
pub async fn serve(Extension(state): Extension<AppState>, Path(name): Path<String>) -> Response {
    let Some((path, kind)) = uploads::media_file(&state.settings.uploads_dir, &name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (CONTENT_TYPE, kind.content_type()),
                (CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
