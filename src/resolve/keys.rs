//! Which package of which registry a component is.
