//! Log set-up shared by the app's binaries: structured `tracing` to stderr, filtered by
//! `RUST_LOG` (default: warnings only). What is logged never carries voter data or tokens.

/// Install the stderr log subscriber. Call once, at start-up.
pub fn init() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
}
