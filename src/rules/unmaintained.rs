//! UNM: unmaintained components (technical support). Most of this family
//! needs registry or advisory data; what an input itself records is judged here.

use super::{Ctx, Verdict};
use crate::model::Component;

/// UNM-02 (lockfile part): the input records the registry's deprecation of
/// the used version. Without that record only the registry can tell.
pub fn deprecated(c: &Component, _: &Ctx) -> Verdict {
    match &c.deprecated {
        Some(message) => Verdict::fire(
            format!(
                "{} is deprecated by its publisher: {message}",
                c.display_name()
            ),
            vec![("deprecated", message.clone())],
        ),
        None => Verdict::not_evaluated(
            "the input records no deprecation; the registry's metadata is needed, and registry resolution is not part of this scan",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::*;

    #[test]
    fn unm02_from_a_recorded_deprecation() {
        let mut c = Component::named("request");
        c.version = Some("2.88.2".into());
        assert!(matches!(
            run(deprecated, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        c.deprecated = Some("request has been deprecated".into());
        match run(deprecated, c) {
            Verdict::Fire(f) => assert_eq!(
                f.message,
                "request@2.88.2 is deprecated by its publisher: request has been deprecated"
            ),
            v => panic!("{v:?}"),
        }
    }
}
