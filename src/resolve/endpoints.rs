//! Where each ecosystem's registry is: flags, environment, policy, package managers' configuration.
