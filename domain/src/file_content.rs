//! What an uploaded file is, judged by its content alone (never by its name or the type the
//! browser claims): a PDF with its header and its end marker, a JPEG or PNG whose picture size
//! can be read, or an OFD package — a ZIP archive with `OFD.xml` at its root. A file that only
//! starts like one of these (a renamed executable behind a PDF header) is none of them. This
//! checks the structure a reader needs to start, not that every byte inside is sound: files are
//! served as downloads of their recognised type, never rendered by the portal.

use crate::catalog::FileType;

/// The file's type, if it is one the portal accepts.
pub fn recognise(bytes: &[u8]) -> Option<FileType> {
    if is_pdf(bytes) {
        Some(FileType::Pdf)
    } else if jpeg_size(bytes).is_some() {
        Some(FileType::Jpeg)
    } else if png_size(bytes).is_some() {
        Some(FileType::Png)
    } else if is_ofd(bytes) {
        Some(FileType::Ofd)
    } else {
        None
    }
}

/// `%PDF-<major>.<minor>` first, and `%%EOF` last (only white space or NUL padding after it,
/// which scanners and mail gateways add).
fn is_pdf(bytes: &[u8]) -> bool {
    let header = matches!(
        bytes,
        [b'%', b'P', b'D', b'F', b'-', major, b'.', minor, ..]
            if major.is_ascii_digit() && minor.is_ascii_digit()
    );
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != 0)
        .map_or(&[][..], |last| &bytes[..=last]);
    header && end.ends_with(b"%%EOF")
}

/// Width and height from the IHDR chunk, which must come first.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let rest = bytes.strip_prefix(SIGNATURE)?;
    let (length, rest) = rest.split_first_chunk::<4>()?;
    let (kind, rest) = rest.split_first_chunk::<4>()?;
    if u32::from_be_bytes(*length) != 13 || kind != b"IHDR" {
        return None;
    }
    let (width, rest) = rest.split_first_chunk::<4>()?;
    let (height, _) = rest.split_first_chunk::<4>()?;
    positive(u32::from_be_bytes(*width), u32::from_be_bytes(*height))
}

/// Width and height from the first start-of-frame segment, walking the segments before it.
pub fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    loop {
        // Segments start with 0xFF, possibly repeated as fill.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        at += 2;
        match marker {
            // Stand-alone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            // End of image or start of scan before any frame: no size to read.
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
        if length < 2 {
            return None;
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let segment = bytes.get(at..at + length)?;
            let height = u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]);
            let width = u16::from_be_bytes([*segment.get(5)?, *segment.get(6)?]);
            return positive(u32::from(width), u32::from(height));
        }
        at += length;
    }
}

fn positive(width: u32, height: u32) -> Option<(u32, u32)> {
    (width > 0 && height > 0 && width <= 1 << 16 && height <= 1 << 16).then_some((width, height))
}

/// A ZIP archive (its central directory found through the end record) naming `OFD.xml` at
/// its root, as GB/T 33190 requires of every OFD package.
fn is_ofd(bytes: &[u8]) -> bool {
    zip_entry_names(bytes).is_some_and(|names| names.iter().any(|name| *name == b"OFD.xml"))
}

fn zip_entry_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    const END: &[u8] = b"PK\x05\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    if !bytes.starts_with(b"PK\x03\x04") || bytes.len() < 22 {
        return None;
    }
    // The end record is the last 22 bytes, unless an archive comment (≤ 64 KiB) follows it.
    let earliest = bytes.len().saturating_sub(22 + 0xFFFF);
    let end = (earliest..=bytes.len() - 22)
        .rev()
        .find(|&i| bytes[i..].starts_with(END))?;
    let u16_at = |i: usize| Some(u16::from_le_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]));
    let u32_at = |i: usize| {
        Some(u32::from_le_bytes([
            *bytes.get(i)?,
            *bytes.get(i + 1)?,
            *bytes.get(i + 2)?,
            *bytes.get(i + 3)?,
        ]))
    };
    let entries = u16_at(end + 10)?;
    let mut at = u32_at(end + 16)? as usize;
    let mut names = Vec::with_capacity(usize::from(entries));
    for _ in 0..entries {
        if !bytes.get(at..)?.starts_with(ENTRY) {
            return None;
        }
        let name_length = usize::from(u16_at(at + 28)?);
        let extra_length = usize::from(u16_at(at + 30)?);
        let comment_length = usize::from(u16_at(at + 32)?);
        names.push(bytes.get(at + 46..at + 46 + name_length)?);
        at += 46 + name_length + extra_length + comment_length;
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored (uncompressed) ZIP archive of the named empty files.
    fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut archive = Vec::new();
        let mut directory = Vec::new();
        for name in names {
            let offset = archive.len() as u32;
            archive.extend_from_slice(b"PK\x03\x04");
            archive.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            archive.extend_from_slice(&[0; 12]);
            archive.extend_from_slice(&(name.len() as u16).to_le_bytes());
            archive.extend_from_slice(&[0, 0]);
            archive.extend_from_slice(name.as_bytes());
            directory.extend_from_slice(b"PK\x01\x02");
            directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let directory_at = archive.len() as u32;
        archive.extend_from_slice(&directory);
        archive.extend_from_slice(b"PK\x05\x06");
        archive.extend_from_slice(&[0, 0, 0, 0]);
        archive.extend_from_slice(&(names.len() as u16).to_le_bytes());
        archive.extend_from_slice(&(names.len() as u16).to_le_bytes());
        archive.extend_from_slice(&(directory.len() as u32).to_le_bytes());
        archive.extend_from_slice(&directory_at.to_le_bytes());
        archive.extend_from_slice(&[0, 0]);
        archive
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 2, 0, 0, 0]);
        bytes
    }

    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        bytes.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        bytes.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8]);
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&[1, 1, 0x11, 0]);
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn a_pdf_has_its_header_and_its_end() {
        assert_eq!(
            recognise(b"%PDF-1.7\n1 0 obj\n%%EOF\n"),
            Some(FileType::Pdf)
        );
        assert_eq!(recognise(b"%PDF-2.0\n%%EOF\r\n\0\0"), Some(FileType::Pdf));
        assert_eq!(recognise(b"%PDF-1.7\nno end marker"), None, "cut off");
        assert_eq!(recognise(b"%PDF-\n%%EOF"), None, "no version");
        assert_eq!(recognise(b"%PDF-1.7\n%%EOF\nMZ\x90\0 appended"), None);
    }

    #[test]
    fn an_image_must_give_its_size() {
        assert_eq!(png_size(&png(800, 600)), Some((800, 600)));
        assert_eq!(recognise(&png(800, 600)), Some(FileType::Png));
        assert_eq!(recognise(&png(0, 600)), None);
        assert_eq!(
            recognise(&png(800, 600)[..20]),
            None,
            "cut off in the header"
        );
        assert_eq!(jpeg_size(&jpeg(1024, 768)), Some((1024, 768)));
        assert_eq!(recognise(&jpeg(1024, 768)), Some(FileType::Jpeg));
        assert_eq!(recognise(&jpeg(1024, 0)), None);
        assert_eq!(
            recognise(&[0xFF, 0xD8, 0xFF, 0xE0]),
            None,
            "a JPEG prefix only"
        );
        assert_eq!(
            recognise(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            None
        );
    }

    #[test]
    fn an_ofd_is_a_zip_with_ofd_xml_at_its_root() {
        assert_eq!(
            recognise(&zip_of(&["OFD.xml", "Doc_0/Document.xml"])),
            Some(FileType::Ofd)
        );
        assert_eq!(
            recognise(&zip_of(&["Doc_0/OFD.xml"])),
            None,
            "not at the root"
        );
        assert_eq!(recognise(&zip_of(&["OFD.xml.bak"])), None);
        assert_eq!(
            recognise(b"PK\x03\x04....OFD.xml...."),
            None,
            "the name in the content only"
        );
        let mut cut = zip_of(&["OFD.xml"]);
        cut.truncate(cut.len() - 10);
        assert_eq!(recognise(&cut), None, "no end record");
    }

    #[test]
    fn other_files_are_nothing() {
        assert_eq!(recognise(b"MZ\x90\x00 an executable renamed to .pdf"), None);
        assert_eq!(recognise(b""), None);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_judged_without_panicking(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = recognise(&bytes);
            let mut zip = b"PK\x03\x04".to_vec();
            zip.extend_from_slice(&bytes);
            let _ = recognise(&zip);
            let mut jpeg = vec![0xFF, 0xD8];
            jpeg.extend_from_slice(&bytes);
            let _ = recognise(&jpeg);
        }
    }
}
