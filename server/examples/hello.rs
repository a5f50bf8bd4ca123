//! The machine's ceiling for the benchmark (`make bench`): a bare axum handler
//! answering "hello" on the port given as the first argument, with the same
//! runtime as the store and nothing else.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "3077".into())
        .parse()?;
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
