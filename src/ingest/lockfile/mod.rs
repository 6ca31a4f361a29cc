//! Package managers' manifests and lockfiles: what the build really resolved.
//! One file per ecosystem; each produces the same [`ParsedDoc`] an SBOM reader
//! does, with the dependency graph, scopes and sources the lockfile records.

pub(crate) mod cargo;
pub(crate) mod golang;
mod node;
mod npm;
mod npm_manifest;
mod pnpm;
pub(crate) mod python;
mod yarn;

use super::{Input, ParsedDoc};
use crate::model::Format;
use crate::model::InputError;

pub fn parse(format: Format, input: &Input) -> Result<ParsedDoc, InputError> {
    match format {
        Format::CargoMetadata => cargo::parse_manifest(input),
        Format::CargoLock => cargo::parse_lock(input),
        Format::NpmLock => npm::parse(input),
        Format::NpmManifest => npm_manifest::parse(input),
        Format::YarnLock => yarn::parse(input),
        Format::PnpmLock => pnpm::parse(input),
        Format::Requirements => python::parse_requirements(input),
        Format::PoetryLock => python::parse_poetry(input),
        Format::UvLock => python::parse_uv(input),
        Format::PipfileLock => python::parse_pipfile(input),
        Format::GoMod => golang::parse_go_mod(input),
        Format::GoSum => golang::parse_go_sum(input),
        Format::RootFilesystem | Format::Executable => Err(InputError::new(
            "a delivered product is read in place, not from one file's bytes",
        )),
        sbom => Err(InputError::new(format!(
            "{sbom} is an SBOM format, not a lockfile"
        ))),
    }
}
