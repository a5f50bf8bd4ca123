//! The Downlink server: configuration, startup, the HTTP routes that are not
//! server functions, the embedded S3 endpoint and the command line.

#![recursion_limit = "256"]

pub mod bundle;
pub mod cli;
pub mod embedded_s3;
pub mod routes;
pub mod session_store;
pub mod settings;
pub mod startup;
pub mod telemetry;
