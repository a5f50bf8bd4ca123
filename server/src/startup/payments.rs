//! The payment provider from settings: the embedded sandbox (mounted under
//! `/sandbox`, reached by the store's own client over real HTTP) or Stripe.

use super::StartupError;
use crate::settings::{PaymentSettings, Settings};
use domain::payments::{Payments, PaymentsConfig};
use domain::secret::Secret;
use std::net::SocketAddr;
use std::path::Path;

/// The client the store uses and, in sandbox mode, the sandbox it talks to.
pub async fn payments_for(
    settings: &Settings,
    bound: SocketAddr,
    public_url: &str,
) -> Result<(Payments, Option<sandbox::Sandbox>), StartupError> {
    match &settings.payments {
        PaymentSettings::Stripe {
            api_base,
            secret_key,
            webhook_secret,
        } => Ok((
            Payments::new(PaymentsConfig {
                api_base: api_base.clone(),
                secret_key: secret_key.clone(),
                webhook_secret: webhook_secret.clone(),
            }),
            None,
        )),
        PaymentSettings::Sandbox {
            secret_key,
            webhook_secret,
        } => {
            let (made_key, made_secret) =
                sandbox_keys(&settings.data_dir).map_err(StartupError::Credentials)?;
            let secret_key = secret_key.clone().unwrap_or(made_key);
            let webhook_secret = webhook_secret.clone().unwrap_or(made_secret);
            if !is_local(public_url) {
                tracing::warn!(
                    %public_url,
                    "the payment sandbox is open at a public address: anyone can pay with \
                     test cards. Set DOWNLINK_PAYMENTS=stripe to sell for real"
                );
            }
            // The store reaches its own sandbox where it listens, whatever
            // proxy browsers come through.
            let local = format!("http://{}", reachable(bound));
            let sandbox = sandbox::Sandbox::open(sandbox::Config {
                data_dir: settings.data_dir.clone(),
                secret_key: secret_key.expose().to_owned(),
                public_url: format!("{public_url}/sandbox"),
                webhook_url: format!("{local}/webhooks/stripe"),
                webhook_secret: webhook_secret.expose().to_owned(),
            })
            .await?;
            let payments = Payments::new(PaymentsConfig {
                api_base: format!("{local}/sandbox"),
                secret_key,
                webhook_secret,
            });
            Ok((payments, Some(sandbox)))
        }
    }
}

/// Whether `url` names this machine (a developer's or a test's store).
fn is_local(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .is_some_and(|host| {
            host == "localhost"
                || host
                    .trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        })
}

/// A listening address as a client connects to it (`0.0.0.0` → loopback).
fn reachable(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        ip if !ip.is_unspecified() => ip,
        std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
    };
    SocketAddr::new(ip, bound.port())
}

/// The sandbox's API key and webhook secret: made once, kept in
/// `<data dir>/payments-sandbox-keys` (readable by the owner only).
pub fn sandbox_keys(data_dir: &Path) -> std::io::Result<(Secret, Secret)> {
    let path = data_dir.join("payments-sandbox-keys");
    if let Ok(saved) = std::fs::read_to_string(&path) {
        let mut lines = saved.lines();
        if let (Some(key), Some(secret)) = (lines.next(), lines.next())
            && key.starts_with("sk_test_")
            && secret.starts_with("whsec_")
        {
            return Ok((Secret::new(key), Secret::new(secret)));
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let key = format!("sk_test_{}", uuid::Uuid::new_v4().simple());
    let secret = format!("whsec_{}", uuid::Uuid::new_v4().simple());
    crate::embedded_s3::write_private(&path, &format!("{key}\n{secret}\n"))?;
    Ok((Secret::new(key), Secret::new(secret)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_keys_are_made_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let (key, secret) = sandbox_keys(dir.path()).unwrap();
        assert!(key.expose().starts_with("sk_test_"));
        assert!(secret.expose().starts_with("whsec_"));
        let (again, again_secret) = sandbox_keys(dir.path()).unwrap();
        assert_eq!((key, secret), (again, again_secret));
    }

    #[test]
    fn only_loopback_addresses_are_local() {
        assert!(is_local("http://127.0.0.1:3000"));
        assert!(is_local("http://localhost:3000"));
        assert!(is_local("http://[::1]:3000"));
        assert!(!is_local("https://shop.example.com"));
        assert!(!is_local("http://10.0.0.5:3000"));
    }

    #[test]
    fn a_wildcard_address_is_reached_on_loopback() {
        assert_eq!(
            reachable("0.0.0.0:3000".parse().unwrap()).to_string(),
            "127.0.0.1:3000"
        );
        assert_eq!(
            reachable("192.168.1.2:80".parse().unwrap()).to_string(),
            "192.168.1.2:80"
        );
    }
}
