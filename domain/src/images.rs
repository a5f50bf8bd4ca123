//! Thumbnails of product images: an uploaded PNG, JPEG, WebP or GIF is decoded
//! (within size limits, turned upright by its EXIF orientation) and scaled down
//! to a card-sized and a page-sized copy. Copies are JPEG, or PNG when the image
//! has transparency — or lossless WebP whenever that is smaller (drawings, flat
//! covers); re-encoding also drops metadata such as GPS positions.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Widths of the thumbnails: for catalog cards and for the product page.
pub const SMALL_WIDTH: u32 = 400;
pub const LARGE_WIDTH: u32 = 1200;
/// The largest image upload accepted (it is decoded in memory).
pub const MAX_IMAGE_BYTES: u64 = 25 * 1024 * 1024;
/// The largest width or height decoded.
const MAX_SIDE: u32 = 12_000;
/// The most memory a decoder may ask for.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 82;

/// Why an image could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("The image could not be read: {0}")]
    Unreadable(String),
    #[error("The image is too large: at most {MAX_SIDE} pixels a side.")]
    TooLarge,
}

/// A scaled copy, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The original's size and its two thumbnails.
#[derive(Clone, Debug)]
pub struct Thumbnails {
    pub width: u32,
    pub height: u32,
    pub small: Thumbnail,
    pub large: Thumbnail,
}

/// Decodes `bytes` and makes the small and large thumbnails. An image narrower
/// than a thumbnail is re-encoded at its own size, never enlarged. CPU-bound:
/// call it from a blocking task.
pub fn thumbnails(bytes: &[u8]) -> Result<Thumbnails, ImageError> {
    let image = decode(bytes)?;
    Ok(Thumbnails {
        width: image.width(),
        height: image.height(),
        small: scaled(&image, SMALL_WIDTH)?,
        large: scaled(&image, LARGE_WIDTH)?,
    })
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let unreadable = |err: image::ImageError| match err {
        image::ImageError::Limits(_) => ImageError::TooLarge,
        other => ImageError::Unreadable(other.to_string()),
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|err| ImageError::Unreadable(err.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn scaled(image: &DynamicImage, width: u32) -> Result<Thumbnail, ImageError> {
    let copy = if image.width() > width {
        image.resize(width, u32::MAX, FilterType::CatmullRom)
    } else {
        image.clone()
    };
    let mut bytes = Vec::new();
    let mut content_type = if copy.color().has_alpha() {
        DynamicImage::ImageRgba8(copy.to_rgba8())
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(|err| ImageError::Unreadable(err.to_string()))?;
        "image/png"
    } else {
        JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .encode_image(&copy.to_rgb8())
            .map_err(|err| ImageError::Unreadable(err.to_string()))?;
        "image/jpeg"
    };
    // Lossless WebP when it is the smaller: exact colours for drawings and
    // flat covers, fewer bytes on a phone.
    let rgba = DynamicImage::ImageRgba8(copy.to_rgba8());
    let mut webp = Vec::new();
    if rgba
        .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
        .is_ok()
        && webp.len() < bytes.len()
    {
        bytes = webp;
        content_type = "image/webp";
    }
    Ok(Thumbnail {
        width: copy.width(),
        height: copy.height(),
        content_type,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    /// A photo-like picture: noise, which only lossy compression shrinks.
    fn photo(width: u32, height: u32) -> RgbImage {
        let mut seed = 0x2545_f491_u32;
        RgbImage::from_fn(width, height, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let noise = (seed % 48) as u8;
            Rgb([(x % 200) as u8 + noise, (y % 200) as u8 + noise, 90 + noise])
        })
    }

    #[test]
    fn a_wide_photo_gets_a_400_and_a_1200_pixel_jpeg_that_decode() {
        let made = thumbnails(&encoded(photo(2400, 1600).into(), ImageFormat::Png)).unwrap();
        assert_eq!((made.width, made.height), (2400, 1600));
        for (thumb, width, height) in [(&made.small, 400, 267), (&made.large, 1200, 800)] {
            assert_eq!(
                thumb.content_type, "image/jpeg",
                "lossless WebP is bigger for a photo"
            );
            let back = image::load_from_memory(&thumb.bytes).unwrap();
            assert_eq!((back.width(), back.height()), (width, height));
            assert_eq!((thumb.width, thumb.height), (width, height));
        }
    }

    #[test]
    fn a_flat_drawing_gets_webp_thumbnails_smaller_than_jpeg() {
        let drawing = RgbImage::from_fn(1600, 1200, |x, y| {
            if (x / 200 + y / 200) % 2 == 0 {
                Rgb([230, 57, 70])
            } else {
                Rgb([29, 53, 87])
            }
        });
        let made = thumbnails(&encoded(drawing.into(), ImageFormat::Png)).unwrap();
        for thumb in [&made.small, &made.large] {
            assert_eq!(thumb.content_type, "image/webp");
            let back = image::load_from_memory(&thumb.bytes).unwrap();
            assert_eq!(back.width(), thumb.width);
            let mut jpeg = Vec::new();
            JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
                .encode_image(&back.to_rgb8())
                .unwrap();
            assert!(thumb.bytes.len() < jpeg.len());
        }
    }

    #[test]
    fn a_small_transparent_image_is_never_enlarged_and_keeps_its_alpha() {
        let icon = RgbaImage::from_pixel(300, 200, Rgba([10, 20, 30, 128]));
        let made = thumbnails(&encoded(icon.into(), ImageFormat::Png)).unwrap();
        for thumb in [&made.small, &made.large] {
            assert!(matches!(thumb.content_type, "image/png" | "image/webp"));
            assert_eq!((thumb.width, thumb.height), (300, 200));
            let back = image::load_from_memory(&thumb.bytes).unwrap();
            assert!(back.color().has_alpha());
        }
    }

    #[test]
    fn jpeg_webp_and_gif_uploads_are_read() {
        let picture = DynamicImage::from(RgbImage::from_pixel(640, 480, Rgb([200, 100, 50])));
        for format in [ImageFormat::Jpeg, ImageFormat::WebP, ImageFormat::Gif] {
            let made = thumbnails(&encoded(picture.clone(), format)).unwrap();
            assert_eq!(made.small.width, 400, "{format:?}");
            assert_eq!(made.large.width, 640, "{format:?}");
        }
    }

    #[test]
    fn something_that_is_not_an_image_is_refused_with_a_reason() {
        let err = thumbnails(b"%PDF-1.7 not a picture").unwrap_err();
        assert!(matches!(err, ImageError::Unreadable(_)), "{err:?}");
    }

    #[test]
    fn an_image_claiming_huge_dimensions_is_refused_before_decoding() {
        // A PNG header announcing 20000 x 20000 pixels, with no pixel data.
        let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        png.extend_from_slice(&20_000u32.to_be_bytes());
        png.extend_from_slice(&20_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let crc = crc_of(&png[12..]);
        png.extend_from_slice(&crc.to_be_bytes());
        assert!(matches!(thumbnails(&png), Err(ImageError::TooLarge)));
    }

    fn crc_of(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
