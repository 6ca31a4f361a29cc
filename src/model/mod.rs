//! The one data model every stage shares: what the product is made of
//! ([`Inventory`], [`Component`]), what the registries say about it ([`Origin`]),
//! and what the rules found ([`Finding`]).

pub mod atomic_write;
mod component;
pub(crate) mod distro;
pub mod document_read;
mod drop_later;
pub mod encode;
mod finding;
mod graph;
mod input_error;
mod installed;
mod inventory;
mod license;
mod message;
mod origin;
mod provenance;
mod purl;
mod rare;
mod review;
#[cfg(test)]
pub(crate) mod testing;
pub mod text;
pub mod untrusted;
mod version;
pub mod xz;

pub use component::{
    BuildCode, Component, ComponentId, Ecosystem, Hash, HashAlg, Location, RefKind, Reference,
    Scope, SourceKind, push_tight,
};
pub use distro::{ArchiveBuild, ArchiveFacts, ArchiveIndex, Channel, DistroRelease, SourcePackage};
pub use drop_later::drop_later;
pub use encode::integrity_hashes;
pub use finding::{Category, Evidence, EvidenceSource, Finding, Severity, fingerprint};
pub use graph::{DependencyPath, Graph, PATH_END};
pub use input_error::{InputError, Position};
pub use installed::{
    DeclaredFile, ExecutableCensus, FileDiff, FileVerification, PrebuiltBinary, UnaccountedBinary,
};
pub use inventory::{Document, DocumentMeta, Edge, Format, Inventory, Subject};
pub use license::{License, LicenseKind};
pub use message::{Arg, Lang, Message, Sep, Template};
pub use origin::{
    EcosystemResolution, FactSource, Origin, PackageFacts, Presence, ReleaseFacts, Resolution,
    SnapshotInfo,
};
pub use provenance::{REPORT_SCHEMA, Tool, format_time};
pub use purl::{ParsedPurl, parse_purl, parse_purl_canonical, pep503};
pub use rare::{Rare, RareFacts};
pub use review::{
    AdvisoryDatabase, BaselineInfo, BaselineState, ExceptionMark, ExceptionReport, ExceptionState,
    LifecycleData, PolicyInfo, RulePolicy, ThresholdSetting,
};
pub use version::Version;
