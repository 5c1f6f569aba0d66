//! `push-proxy` binary: configuration in, [`push_proxy::run`] out.

use clap::Parser;
use tracing_subscriber::EnvFilter;

// glibc malloc fragments under many small, short-lived per-push allocations; mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // A missing .env is normal; a broken one is reported.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("push-proxy: .env: {e}");
        return std::process::ExitCode::FAILURE;
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = push_proxy::Config::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("push-proxy: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let shutdown = push_proxy::shutdown_signal();
        let listener = tokio::net::TcpListener::bind((config.bind, config.port)).await?;
        push_proxy::run(config, listener, shutdown).await
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("push-proxy: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
