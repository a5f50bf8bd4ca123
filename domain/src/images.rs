//! Thumbnails of product images: an uploaded PNG, JPEG, WebP or GIF is decoded
//! (within size limits, turned upright by its EXIF orientation) and scaled down
//! to a card-sized and a page-sized copy. Copies are JPEG, or PNG when the image
//! has transparency — or lossless WebP whenever that is smaller (drawings, flat
//! covers), or, for the card-sized copy of an opaque drawing, a palette PNG
//! when that is smaller still: exact up to 256 colours, else of 64 to 256
//! colours within a fraction of a level of the original's; re-encoding also drops metadata such as GPS positions.

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
/// The most distinct colours a drawing may have to be tried as a palette
/// (flat art with antialiased edges has hundreds; a photo, tens of
/// thousands).
const MAX_DRAWING_COLOURS: usize = 4_096;
/// The largest mean difference, in levels of 255 per channel, a palette may
/// make (0.07–0.17 for the demo covers in 64 colours).
const MAX_PALETTE_ERROR: f64 = 0.25;
/// A pixel a palette moves by more than this many levels in a channel is
/// "far"; at most one pixel in `MAX_FAR_SHARE` may be.
const FAR_LEVELS: u8 = 12;
const MAX_FAR_SHARE: usize = 500;

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
    let rgba = DynamicImage::ImageRgba8(copy.to_rgba8());
    let mut bytes = Vec::new();
    let mut content_type = if copy.color().has_alpha() {
        rgba.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
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
    let mut webp = Vec::new();
    if rgba
        .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
        .is_ok()
        && webp.len() < bytes.len()
    {
        bytes = webp;
        content_type = "image/webp";
    }
    // Card-sized copies only: they are what a catalog page loads by the
    // dozen, and counting a large copy's colours costs more than it saves.
    // Opaque: no alpha channel, or one that is solid everywhere (drawing
    // programs often export one).
    if width <= SMALL_WIDTH
        && (!copy.color().has_alpha()
            || rgba
                .as_rgba8()
                .is_some_and(|i| i.pixels().all(|p| p.0[3] == u8::MAX)))
        && let Some(png) = palette_png(&copy.to_rgb8())
        && png.len() < bytes.len()
    {
        bytes = png;
        content_type = "image/png";
    }
    Ok(Thumbnail {
        width: copy.width(),
        height: copy.height(),
        content_type,
        bytes,
    })
}

/// `image` as a PNG of its own colours when it has at most 256 (exact), or
/// of 64, 128 or 256 (the fewest that render it faithfully) when it is a
/// drawing of a few thousand; `None` for anything else.
fn palette_png(image: &image::RgbImage) -> Option<Vec<u8>> {
    let mut seen = std::collections::HashMap::new();
    for pixel in image.pixels() {
        let next = seen.len();
        seen.entry(pixel.0).or_insert(next);
        if seen.len() > MAX_DRAWING_COLOURS {
            return None;
        }
    }
    let (palette, indices) = if seen.len() <= 256 {
        let mut palette = vec![0; seen.len() * 3];
        for (colour, &index) in &seen {
            palette[index * 3..index * 3 + 3].copy_from_slice(colour);
        }
        let indices = image
            .pixels()
            .map(|p| seen.get(&p.0).and_then(|&i| u8::try_from(i).ok()))
            .collect::<Option<Vec<u8>>>()?;
        (palette, indices)
    } else {
        let rgba: Vec<u8> = image
            .pixels()
            .flat_map(|p| [p.0[0], p.0[1], p.0[2], u8::MAX])
            .collect();
        [64, 128, 256]
            .into_iter()
            .find_map(|colours| quantized(&rgba, colours))?
    };
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, image.width(), image.height());
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette);
    encoder.set_compression(png::Compression::High);
    // Indices compress best as they are: filters predict smooth colour.
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&indices).ok()?;
    writer.finish().ok()?;
    Some(bytes)
}

/// The RGBA pixels `rgba` mapped to a palette of `colours` (the palette as
/// RGB, and each pixel's index), if the palette stays within
/// `MAX_PALETTE_ERROR` of them on average and moves hardly any pixel far
/// (a small logo in a rare colour must not change colour).
fn quantized(rgba: &[u8], colours: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let quant = color_quant::NeuQuant::new(10, colours, rgba);
    let palette = quant.color_map_rgb();
    let mut indices = Vec::with_capacity(rgba.len() / 4);
    let (mut error, mut far) = (0_u64, 0_usize);
    for pixel in rgba.as_chunks::<4>().0 {
        let index = quant.index_of(pixel);
        let colour = palette.get(index * 3..index * 3 + 3)?;
        let off = (0..3).map(|c| pixel[c].abs_diff(colour[c]));
        error += off.clone().map(u64::from).sum::<u64>();
        far += usize::from(off.max().unwrap_or(0) > FAR_LEVELS);
        indices.push(u8::try_from(index).ok()?);
    }
    let mean = error as f64 / (indices.len() * 3).max(1) as f64;
    let few_far = far * MAX_FAR_SHARE <= indices.len();
    (mean <= MAX_PALETTE_ERROR && few_far).then_some((palette, indices))
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
    fn a_flat_drawing_keeps_its_exact_colours_in_fewer_bytes_than_jpeg() {
        let drawing = RgbImage::from_fn(1600, 1200, |x, y| {
            if (x / 200 + y / 200) % 2 == 0 {
                Rgb([230, 57, 70])
            } else {
                Rgb([29, 53, 87])
            }
        });
        let made = thumbnails(&encoded(drawing.into(), ImageFormat::Png)).unwrap();
        for thumb in [&made.small, &made.large] {
            assert!(matches!(thumb.content_type, "image/webp" | "image/png"));
            let back = image::load_from_memory(&thumb.bytes).unwrap();
            let colours: std::collections::HashSet<_> =
                back.to_rgb8().pixels().map(|p| p.0).collect();
            assert!(colours.contains(&[230, 57, 70]) && colours.contains(&[29, 53, 87]));
            assert_eq!(back.width(), thumb.width);
            let mut jpeg = Vec::new();
            JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
                .encode_image(&back.to_rgb8())
                .unwrap();
            assert!(thumb.bytes.len() < jpeg.len());
        }
    }

    #[test]
    fn an_antialiased_cover_goes_as_a_palette_png_half_the_size_of_webp() {
        let bytes = include_bytes!("../demo/cover-night-rain.png");
        let made = thumbnails(bytes).unwrap();
        let thumb = &made.small;
        assert_eq!(thumb.content_type, "image/png");
        let original = decode(bytes)
            .unwrap()
            .resize(SMALL_WIDTH, u32::MAX, FilterType::CatmullRom);
        let webp = encoded(
            DynamicImage::ImageRgba8(original.to_rgba8()),
            ImageFormat::WebP,
        );
        assert!(
            thumb.bytes.len() * 2 < webp.len(),
            "{} bytes against lossless WebP's {}",
            thumb.bytes.len(),
            webp.len()
        );
        // The same picture: colours off by a fraction of a level on average.
        let back = image::load_from_memory(&thumb.bytes).unwrap().to_rgb8();
        let original = original.to_rgb8();
        let error: u64 = back
            .as_raw()
            .iter()
            .zip(original.as_raw())
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        assert!((error as f64 / back.as_raw().len() as f64) < MAX_PALETTE_ERROR);
    }

    #[test]
    fn a_small_logo_in_a_rare_colour_keeps_its_colour() {
        // A thousand shades of blue, and a 20-pixel red square (0.4 % of
        // the card).
        let drawing = RgbImage::from_fn(400, 267, |x, y| {
            if (200..220).contains(&x) && (100..120).contains(&y) {
                Rgb([250, 20, 20])
            } else {
                Rgb([(x % 32 * 8) as u8, (y % 32 * 8) as u8, 200])
            }
        });
        let made = thumbnails(&encoded(drawing.into(), ImageFormat::Png)).unwrap();
        let back = image::load_from_memory(&made.small.bytes)
            .unwrap()
            .to_rgb8();
        let red = back.get_pixel(210, 110).0;
        assert!(
            red[0] >= 238 && red[1] <= 32 && red[2] <= 32,
            "{red:?} ({})",
            made.small.content_type
        );
    }

    #[test]
    fn a_photo_is_never_reduced_to_a_palette() {
        assert_eq!(palette_png(&photo(400, 267)), None);
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
