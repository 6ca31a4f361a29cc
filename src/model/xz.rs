//! One way to read xz data, shared by the product readers (`.tar.xz`) and the
//! archive clients (`Packages.xz`, `primary.xml.xz`): the `.xz` container
//! only, concatenated streams allowed, under a memory limit. liblzma's
//! "auto" decoder would also take the legacy `.lzma` format, whose header
//! names its own dictionary size — four bytes of hostile input asking for
//! a 4 GiB allocation (found by fuzzing).

use std::io::Read;

/// Most memory one xz decoder may use: `xz -9e` needs 65 MiB to decode.
const MEMLIMIT: u64 = 512 << 20;

/// A decoder of the xz data `r` gives.
pub fn decoder<R: Read>(r: R) -> std::io::Result<liblzma::read::XzDecoder<R>> {
    let stream =
        liblzma::stream::Stream::new_stream_decoder(MEMLIMIT, liblzma::stream::CONCATENATED)
            .map_err(|e| std::io::Error::other(format!("cannot start an xz decoder: {e}")))?;
    Ok(liblzma::read::XzDecoder::new_stream(r, stream))
}

/// [`decoder`] as a reader that fails on its first read when the decoder
/// could not start.
pub fn reader<'a, R: Read + Send + 'a>(r: R) -> Box<dyn Read + Send + 'a> {
    match decoder(r) {
        Ok(d) => Box::new(d),
        Err(e) => Box::new(Failed(Some(e))),
    }
}

/// A reader that fails once with `0`'s error, then ends.
struct Failed(Option<std::io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xz_reads_and_a_legacy_lzma_header_asking_for_4_gib_is_an_error() {
        // `printf 'hello\n' | xz -c`
        let xz: &[u8] = &[
            0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46, 0x02, 0x00,
            0x21, 0x01, 0x16, 0x00, 0x00, 0x00, 0x74, 0x2f, 0xe5, 0xa3, 0x01, 0x00, 0x05, 0x68,
            0x65, 0x6c, 0x6c, 0x6f, 0x0a, 0x00, 0x00, 0x00, 0xa5, 0x60, 0x97, 0xf1, 0x94, 0xf6,
            0xfd, 0xe0, 0x00, 0x01, 0x1e, 0x06, 0xc1, 0x2f, 0xa4, 0x1d, 0x1f, 0xb6, 0xf3, 0x7d,
            0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x59, 0x5a,
        ];
        let mut out = String::new();
        reader(xz).read_to_string(&mut out).unwrap();
        assert_eq!(out, "hello\n");
        // The fuzzer's input: an .lzma header with a 0xffffffff dictionary.
        let mut lzma = vec![0x13u8];
        lzma.extend([0xff; 64]);
        assert!(reader(&lzma[..]).read_to_end(&mut Vec::new()).is_err());
    }
}
