//! Files people upload: images for their pages and receipts for a cause's expenses. Each is
//! checked by its first bytes (never by the name or the browser's claimed type), limited in
//! size, and stored under the uploads folder by the SHA-256 of its content, so a file's address
//! never changes and identical files are one.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The largest expense receipt accepted, in bytes.
pub const MAX_RECEIPT_BYTES: usize = 5 * 1024 * 1024;

/// The file formats stored: page images are PNG, JPEG, WebP or GIF; receipts are PDF, PNG,
/// JPEG or WebP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
    Gif,
    Pdf,
}

impl ImageKind {
    const ALL: [Self; 5] = [Self::Png, Self::Jpeg, Self::Webp, Self::Gif, Self::Pdf];

    /// Recognises a file by its magic bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    /// The file extension it is stored with.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
            Self::Gif => "gif",
            Self::Pdf => "pdf",
        }
    }

    /// The `Content-Type` it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
            Self::Pdf => "application/pdf",
        }
    }

    /// Whether it may be a page image.
    pub fn is_page_image(self) -> bool {
        !matches!(self, Self::Pdf)
    }

    /// Whether it may be an expense receipt.
    pub fn is_receipt(self) -> bool {
        !matches!(self, Self::Gif)
    }
}

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("Choose an image file to upload.")]
    Empty,
    #[error("The image is larger than 2 MiB. Choose a smaller one.")]
    TooLarge,
    #[error("That file is not a PNG, JPEG, WebP or GIF image.")]
    NotAnImage,
    #[error("The receipt is larger than 5 MiB. Choose a smaller file.")]
    ReceiptTooLarge,
    #[error("That file is not a PDF, PNG, JPEG or WebP file.")]
    NotAReceipt,
    #[error(
        "This page's receipts have used their storage allowance. Attach or remove earlier uploads first; unattached ones are removed after a day."
    )]
    ReceiptQuota,
    #[error("could not store the upload")]
    Io(#[from] std::io::Error),
}

impl UploadError {
    /// A short code for the refusal, which the studio turns back into a fixed message with
    /// [`upload_refusal`](crate::model::studio::upload_refusal), so a link cannot make the
    /// page say anything else.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge => "size",
            Self::NotAnImage => "type",
            Self::ReceiptTooLarge => "receipt_size",
            Self::NotAReceipt => "receipt_type",
            Self::ReceiptQuota => "receipt_quota",
            Self::Io(_) => "io",
        }
    }
}

/// Checks `bytes` and stores them under `dir`; returns the stored file's name
/// (`<sha256>.<ext>`), which [`media_file`] finds again.
pub async fn store_image(dir: &Path, bytes: &[u8]) -> Result<String, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(UploadError::TooLarge);
    }
    let kind = ImageKind::sniff(bytes)
        .filter(|k| k.is_page_image())
        .ok_or(UploadError::NotAnImage)?;
    store(dir, bytes, kind).await
}

/// Checks an expense receipt (PDF, PNG, JPEG or WebP, up to [`MAX_RECEIPT_BYTES`]) and stores
/// it under `dir`; returns the stored file's name like [`store_image`].
pub async fn store_receipt(dir: &Path, bytes: &[u8]) -> Result<String, UploadError> {
    let kind = receipt_kind(bytes)?;
    store(dir, bytes, kind).await
}

/// The name [`store_receipt`] would store `bytes` under, once they pass its checks: so room can
/// be reserved for a receipt before it is written.
pub fn receipt_name(bytes: &[u8]) -> Result<String, UploadError> {
    Ok(stored_name(bytes, receipt_kind(bytes)?))
}

fn receipt_kind(bytes: &[u8]) -> Result<ImageKind, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_RECEIPT_BYTES {
        return Err(UploadError::ReceiptTooLarge);
    }
    ImageKind::sniff(bytes)
        .filter(|k| k.is_receipt())
        .ok_or(UploadError::NotAReceipt)
}

fn stored_name(bytes: &[u8], kind: ImageKind) -> String {
    format!(
        "{}.{}",
        hex::encode(Sha256::digest(bytes)),
        kind.extension()
    )
}

async fn store(dir: &Path, bytes: &[u8], kind: ImageKind) -> Result<String, UploadError> {
    let name = stored_name(bytes, kind);
    tokio::fs::create_dir_all(dir).await?;
    let path = dir.join(&name);
    if tokio::fs::try_exists(&path).await? {
        return Ok(name);
    }
    // Write beside it and rename, so a reader never sees half a file.
    let partial = dir.join(format!(
        "{name}.{}.partial",
        crate::domain::platform::tokens::generate()
    ));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(name)
}

/// The public address of a stored image.
pub fn media_url(name: &str) -> String {
    format!("/media/{name}")
}

/// The file behind `/media/<name>` and its type, if `name` is one [`store_image`] makes.
pub fn media_file(dir: &Path, name: &str) -> Option<(PathBuf, ImageKind)> {
    let (hash, ext) = name.split_once('.')?;
    let well_formed = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let kind = ImageKind::ALL.into_iter().find(|k| k.extension() == ext)?;
    well_formed.then(|| (dir.join(name), kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_recognised_by_their_first_bytes() {
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(ImageKind::sniff(b"GIF89a...."), Some(ImageKind::Gif));
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"%PDF-1.4\n%"), Some(ImageKind::Pdf));
        assert_eq!(ImageKind::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(ImageKind::sniff(b"hello, I am a .png"), None);
    }

    #[test]
    fn refusal_codes_come_back_as_the_same_messages() {
        for e in [
            UploadError::Empty,
            UploadError::TooLarge,
            UploadError::NotAnImage,
            UploadError::ReceiptTooLarge,
            UploadError::NotAReceipt,
            UploadError::ReceiptQuota,
        ] {
            assert_eq!(
                crate::model::studio::upload_refusal(e.code()),
                Some(e.to_string().as_str())
            );
        }
    }

    #[tokio::test]
    async fn a_pdf_is_no_page_image_and_a_gif_is_no_receipt() {
        // Both are refused before anything is written, so the folder is never touched.
        let dir = Path::new("/nonexistent/uploads");
        assert!(matches!(
            store_image(dir, b"%PDF-1.4\n").await,
            Err(UploadError::NotAnImage)
        ));
        assert!(matches!(
            store_receipt(dir, b"GIF89a....").await,
            Err(UploadError::NotAReceipt)
        ));
        assert!(matches!(
            store_receipt(dir, &vec![b'%'; MAX_RECEIPT_BYTES + 1]).await,
            Err(UploadError::ReceiptTooLarge)
        ));
    }

    #[test]
    fn only_stored_names_map_to_files() {
        let dir = Path::new("/uploads");
        let name = format!("{}.png", "a".repeat(64));
        assert_eq!(
            media_file(dir, &name),
            Some((dir.join(&name), ImageKind::Png))
        );
        for bad in [
            "../etc/passwd",
            "x.png",
            &format!("{}.svg", "a".repeat(64)),
            &format!("{}.png", "A".repeat(64)),
        ] {
            assert!(media_file(dir, bad).is_none(), "{bad}");
        }
    }
}
