//! The build information the Go toolchain (1.18 and later) embeds in every
//! executable (`.go.buildinfo`): a 32-byte header starting with
//! `\xff Go buildinf:`, then — inline, as uvarint-length-prefixed strings —
//! the Go version and the module information `go version -m` prints: `path`,
//! `mod` (the main module), `dep` (each module linked in, with its `h1:`
//! sum), `=>` (a replacement of the line before) and `build` settings.
//! Older binaries keep pointers instead of inline strings: they are named
//! as not read.

use crate::model::InputError;

/// The magic the section starts with.
pub const MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER: usize = 32;
const FLAG_INLINE: u8 = 0x2;
/// Longest module information read (a large program's is tens of kilobytes).
const MAX_STRING: u64 = 16 << 20;

/// One module as the build information lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    pub path: String,
    /// `(devel)` for a main module built from a checkout.
    pub version: String,
    /// The `h1:` sum, when the module came from a module proxy or cache.
    pub sum: Option<String>,
}

/// What a Go executable says about its build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoBuild {
    /// `go1.22.1`.
    pub go_version: String,
    /// The main package's import path.
    pub path: Option<String>,
    pub main: Option<Module>,
    /// Modules linked in; a replaced one is its replacement.
    pub deps: Vec<Module>,
    /// `build` settings (`GOOS`, `CGO_ENABLED`, `vcs.revision`…).
    pub settings: Vec<(String, String)>,
}

/// Reads the build information from the section's bytes (or any bytes that
/// contain it); `Ok(None)` when there is none.
pub fn parse(section: &[u8]) -> Result<Option<GoBuild>, InputError> {
    let Some(at) = memchr::memmem::find(section, MAGIC) else {
        return Ok(None);
    };
    let head = &section[at..];
    if head.len() < HEADER {
        return Err(InputError::new(
            "Go build information cut short in its header",
        ));
    }
    if head[15] & FLAG_INLINE == 0 {
        return Err(InputError::new(
            "Go build information of a toolchain before Go 1.18 (pointers, not inline strings): not read",
        ));
    }
    let mut rest = &head[HEADER..];
    let version = read_string(&mut rest)
        .ok_or_else(|| InputError::new("Go build information: the Go version is cut short"))?;
    let modinfo = read_string(&mut rest)
        .ok_or_else(|| InputError::new("Go build information: the module list is cut short"))?;
    let mut build = GoBuild {
        go_version: String::from_utf8_lossy(version).into_owned(),
        ..GoBuild::default()
    };
    read_modinfo(
        &String::from_utf8_lossy(strip_sentinels(modinfo)),
        &mut build,
    );
    Ok(Some(build))
}

/// A uvarint length, then that many bytes.
fn read_string<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut len = 0u64;
    let mut shift = 0;
    let mut used = 0usize;
    let mut ended = false;
    for &b in rest.iter() {
        used += 1;
        len |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            ended = true;
            break;
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
    if !ended {
        return None;
    }
    if len > MAX_STRING {
        return None;
    }
    let end = used.checked_add(len as usize)?;
    let s = rest.get(used..end)?;
    *rest = &rest[end..];
    Some(s)
}

/// The module information is framed by two 16-byte sentinels.
fn strip_sentinels(m: &[u8]) -> &[u8] {
    if m.len() >= 33 && m[m.len() - 17] == b'\n' {
        &m[16..m.len() - 16]
    } else {
        m
    }
}

fn read_modinfo(text: &str, build: &mut GoBuild) {
    // Which module a `=>` line replaces: the main module or the last dep.
    let mut last_is_main = false;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let module = || Module {
            path: f.get(1).unwrap_or(&"").to_string(),
            version: f.get(2).unwrap_or(&"").to_string(),
            sum: f.get(3).filter(|s| !s.is_empty()).map(|s| s.to_string()),
        };
        match f[0] {
            "path" => build.path = f.get(1).map(|s| s.to_string()),
            "mod" => {
                build.main = Some(module());
                last_is_main = true;
            }
            "dep" => {
                build.deps.push(module());
                last_is_main = false;
            }
            "=>" => {
                let target = if last_is_main {
                    build.main.as_mut()
                } else {
                    build.deps.last_mut()
                };
                if let Some(m) = target {
                    *m = module();
                }
            }
            "build" => {
                if let Some((k, v)) = f.get(1).and_then(|kv| kv.split_once('=')) {
                    build.settings.push((k.to_string(), v.to_string()));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A section as Go 1.18+ writes it, around the given strings.
    pub(crate) fn section(version: &str, modinfo: &str) -> Vec<u8> {
        let mut s = MAGIC.to_vec();
        s.push(8);
        s.push(FLAG_INLINE);
        s.resize(HEADER, 0);
        for part in [version.as_bytes().to_vec(), framed(modinfo)] {
            let mut n = part.len();
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                s.push(if n > 0 { b | 0x80 } else { b });
                if n == 0 {
                    break;
                }
            }
            s.extend(part);
        }
        s
    }

    fn framed(m: &str) -> Vec<u8> {
        [&[0x30u8; 16][..], m.as_bytes(), &[0xf9u8; 16][..]].concat()
    }

    #[test]
    fn modules_replacements_and_settings_are_read() {
        let info = "path\texample.com/agent\nmod\texample.com/agent\t(devel)\t\n\
dep\tgolang.org/x/sys\tv0.20.0\th1:abc=\ndep\texample.com/greet\tv1.4.2\th1:old=\n=>\t../greet\t(devel)\t\n\
build\tCGO_ENABLED=0\nbuild\tvcs.revision=0123abcd\n";
        let mut bytes = b"padding before".to_vec();
        bytes.extend(section("go1.22.1", info));
        let b = parse(&bytes).unwrap().unwrap();
        assert_eq!(b.go_version, "go1.22.1");
        assert_eq!(b.path.as_deref(), Some("example.com/agent"));
        assert_eq!(b.main.as_ref().unwrap().version, "(devel)");
        assert_eq!(b.main.as_ref().unwrap().sum, None);
        assert_eq!(b.deps.len(), 2);
        assert_eq!(b.deps[0].sum.as_deref(), Some("h1:abc="));
        assert_eq!(
            b.deps[1].path, "../greet",
            "a replaced module is its replacement"
        );
        assert!(
            b.settings
                .contains(&("vcs.revision".to_string(), "0123abcd".to_string()))
        );
    }

    #[test]
    fn absent_old_and_cut_short_information_is_told_apart() {
        assert_eq!(parse(b"no magic here").unwrap(), None);
        let mut old = section("go1.17", "");
        old[15] = 0;
        assert!(
            parse(&old)
                .unwrap_err()
                .to_string()
                .contains("before Go 1.18")
        );
        let whole = section("go1.22.1", "path\tx\n");
        for cut in [20, HEADER + 3, whole.len() - 5] {
            assert!(parse(&whole[..cut]).is_err(), "cut at {cut}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_after_the_magic_parse_or_fail_cleanly(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut bytes = MAGIC.to_vec();
            bytes.extend(tail);
            let _ = parse(&bytes);
        }
    }
}
