//! Typed configuration from `DOWNLINK_*` environment variables, with embedded
//! defaults so the store runs with none set. Secrets are wrapped and never print.

use domain::secret::Secret;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything the server can be told.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the store listens (`DOWNLINK_ADDR`).
    pub addr: SocketAddr,
    /// The URL shoppers use, when it differs from `http://{addr}`; its origin is
    /// the one CORS and request checks accept (`DOWNLINK_PUBLIC_URL`).
    pub public_url: Option<String>,
    /// Where the SQLite file and embedded objects live (`DOWNLINK_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…` (`DOWNLINK_DATABASE_URL`).
    pub database_url: String,
    pub s3: S3Settings,
    /// The S3 endpoint as browsers reach it, when it differs from the one the
    /// server uses; presigned URLs are signed for it (`DOWNLINK_S3_PUBLIC_ENDPOINT`).
    pub s3_public_endpoint: Option<String>,
    /// The built browser bundle, served at `/pkg` (`DOWNLINK_SITE_DIR`).
    pub site_dir: PathBuf,
    pub log_format: LogFormat,
    /// Longest time a request may take (`DOWNLINK_REQUEST_TIMEOUT_SECS`).
    pub request_timeout: Duration,
    /// Largest request body accepted (`DOWNLINK_BODY_LIMIT_BYTES`).
    pub body_limit: usize,
    /// Whether an empty database gets the demo catalog (`DOWNLINK_SEED_DEMO`).
    pub seed_demo: bool,
    /// SMTP server for outgoing mail, e.g. `smtp://user:pass@host:587?tls=required`
    /// (`DOWNLINK_SMTP_URL`); unset, mail stays in the outbox. May hold a password.
    pub smtp_url: Option<Secret>,
    /// The sender of outgoing mail (`DOWNLINK_MAIL_FROM`).
    pub mail_from: String,
    /// Uploaded files up to this size are checked (joined and hashed) within the
    /// completing request; larger ones by a background job
    /// (`DOWNLINK_UPLOAD_INLINE_CHECK_BYTES`).
    pub upload_inline_check: u64,
    /// Reverse proxies whose `X-Forwarded-For`/`-Proto` are believed
    /// (`DOWNLINK_TRUSTED_PROXIES`, comma-separated CIDRs); empty by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Who takes payments (`DOWNLINK_PAYMENTS`): the embedded sandbox or Stripe.
    pub payments: PaymentSettings,
    /// Whether this instance runs the background jobs: mail delivery, sweeps,
    /// upload completion, the sandbox's webhook deliveries and expiries
    /// (`DOWNLINK_RUN_JOBS`, on by default; off for web-only instances).
    pub run_jobs: bool,
    /// Minting the same file again within this many seconds is the same
    /// delivery and does not count again (`DOWNLINK_REDELIVERY_WINDOW_SECS`,
    /// 600).
    pub redelivery_window_secs: i64,
    /// The store's time zone, an IANA name: what "today" and each day of the
    /// admin's figures are (`DOWNLINK_TIME_ZONE`, `UTC`). Times are stored in
    /// UTC whatever it is.
    pub time_zone: chrono_tz::Tz,
}

/// The payment provider. Both speak Stripe's API; only where it is and the
/// keys differ.
#[derive(Clone, Debug)]
pub enum PaymentSettings {
    /// The embedded sandbox under `/sandbox` (the default). Keys given here are
    /// used; missing ones are generated once and kept in the data dir.
    Sandbox {
        secret_key: Option<Secret>,
        webhook_secret: Option<Secret>,
    },
    /// Stripe itself (`DOWNLINK_STRIPE_SECRET_KEY`,
    /// `DOWNLINK_STRIPE_WEBHOOK_SECRET`, both required); the `/sandbox` routes
    /// do not exist.
    Stripe {
        /// `DOWNLINK_STRIPE_API_BASE`, `https://api.stripe.com` by default.
        api_base: String,
        secret_key: Secret,
        webhook_secret: Secret,
    },
}

/// Object storage: the embedded endpoint or any S3-compatible service.
#[derive(Clone, Debug)]
pub enum S3Settings {
    /// Start the built-in S3 endpoint over `<data dir>/objects`.
    Embedded {
        addr: SocketAddr,
        region: String,
        bucket: String,
        /// Fixed credentials; when unset they are generated once and kept in the
        /// data dir.
        credentials: Option<(String, Secret)>,
    },
    /// Use an S3 service that is already running.
    External {
        endpoint: String,
        region: String,
        bucket: String,
        access_key: String,
        secret_key: Secret,
        path_style: bool,
    },
}

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object per line, for a log pipeline.
    Json,
}

/// A setting that could not be understood.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct SettingsError {
    name: &'static str,
    reason: String,
}

impl Settings {
    /// Reads settings from `vars` (normally `std::env::vars()`).
    pub fn from_env(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let vars: HashMap<String, String> = vars
            .into_iter()
            .filter(|(k, v)| k.starts_with("DOWNLINK_") && !v.is_empty())
            .collect();
        let get = |name: &str| vars.get(name).map(String::as_str);

        let addr = parse(&vars, "DOWNLINK_ADDR", "127.0.0.1:3000")?;
        let data_dir = PathBuf::from(get("DOWNLINK_DATA_DIR").unwrap_or("./data"));
        let database_url = match get("DOWNLINK_DATABASE_URL") {
            Some(url) => url.to_owned(),
            None => format!("sqlite://{}", data_dir.join("downlink.sqlite").display()),
        };
        let region = get("DOWNLINK_S3_REGION").unwrap_or("us-east-1").to_owned();
        let bucket = get("DOWNLINK_S3_BUCKET").unwrap_or("downlink").to_owned();
        let credentials = match (get("DOWNLINK_S3_ACCESS_KEY"), get("DOWNLINK_S3_SECRET_KEY")) {
            (Some(key), Some(secret)) => Some((key.to_owned(), Secret::new(secret))),
            (None, None) => None,
            _ => {
                return Err(SettingsError {
                    name: "DOWNLINK_S3_ACCESS_KEY",
                    reason:
                        "set both DOWNLINK_S3_ACCESS_KEY and DOWNLINK_S3_SECRET_KEY, or neither"
                            .into(),
                });
            }
        };
        let s3 = match get("DOWNLINK_S3_ENDPOINT") {
            None => S3Settings::Embedded {
                addr: parse(&vars, "DOWNLINK_EMBEDDED_S3_ADDR", "127.0.0.1:3900")?,
                region,
                bucket,
                credentials,
            },
            Some(endpoint) => {
                let (access_key, secret_key) = credentials.ok_or(SettingsError {
                    name: "DOWNLINK_S3_ACCESS_KEY",
                    reason: "an external S3 endpoint needs DOWNLINK_S3_ACCESS_KEY and \
                        DOWNLINK_S3_SECRET_KEY"
                        .into(),
                })?;
                S3Settings::External {
                    endpoint: endpoint.trim_end_matches('/').to_owned(),
                    region,
                    bucket,
                    access_key,
                    secret_key,
                    path_style: parse_bool(&vars, "DOWNLINK_S3_PATH_STYLE", true)?,
                }
            }
        };
        let log_format = match get("DOWNLINK_LOG_FORMAT").unwrap_or("pretty") {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => {
                return Err(SettingsError {
                    name: "DOWNLINK_LOG_FORMAT",
                    reason: format!("expected pretty or json, got {other:?}"),
                });
            }
        };
        Ok(Self {
            addr,
            public_url: get("DOWNLINK_PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned()),
            data_dir,
            database_url,
            s3,
            s3_public_endpoint: get("DOWNLINK_S3_PUBLIC_ENDPOINT")
                .map(|url| url.trim_end_matches('/').to_owned()),
            site_dir: PathBuf::from(get("DOWNLINK_SITE_DIR").unwrap_or("site")),
            log_format,
            request_timeout: Duration::from_secs(parse(
                &vars,
                "DOWNLINK_REQUEST_TIMEOUT_SECS",
                "30",
            )?),
            body_limit: parse(&vars, "DOWNLINK_BODY_LIMIT_BYTES", "2097152")?,
            seed_demo: parse_bool(&vars, "DOWNLINK_SEED_DEMO", true)?,
            smtp_url: get("DOWNLINK_SMTP_URL").map(Secret::new),
            mail_from: get("DOWNLINK_MAIL_FROM")
                .unwrap_or("Downlink <no-reply@localhost>")
                .to_owned(),
            upload_inline_check: parse(
                &vars,
                "DOWNLINK_UPLOAD_INLINE_CHECK_BYTES",
                &domain::uploads::INLINE_COMPLETION_MAX.to_string(),
            )?,
            trusted_proxies: trusted_proxies(get("DOWNLINK_TRUSTED_PROXIES").unwrap_or(""))?,
            payments: payments(&get)?,
            run_jobs: parse_bool(&vars, "DOWNLINK_RUN_JOBS", true)?,
            redelivery_window_secs: parse(&vars, "DOWNLINK_REDELIVERY_WINDOW_SECS", "600")?,
            time_zone: parse(&vars, "DOWNLINK_TIME_ZONE", "UTC")?,
        })
    }

    /// The store's public base URL, without a trailing slash.
    pub fn public_url_for(&self, bound: SocketAddr) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
    }
}

/// The origin of a URL as browsers send it in `Origin`: scheme, host in lower
/// case, and the port only when it is not the scheme's default
/// (`https://Shop.example.com:443/x` → `https://shop.example.com`).
pub fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_else(|_| url.trim_end_matches('/').to_owned())
}

fn payments<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<PaymentSettings, SettingsError> {
    let secret_key = get("DOWNLINK_STRIPE_SECRET_KEY").map(Secret::new);
    let webhook_secret = get("DOWNLINK_STRIPE_WEBHOOK_SECRET").map(Secret::new);
    match get("DOWNLINK_PAYMENTS").unwrap_or("sandbox") {
        "sandbox"
            if secret_key
                .as_ref()
                .is_some_and(|key| key.expose().starts_with("sk_live_")) =>
        {
            Err(SettingsError {
                name: "DOWNLINK_STRIPE_SECRET_KEY",
                reason: "a live key with the payment sandbox: set DOWNLINK_PAYMENTS=stripe to \
                    take real payments (the sandbox hands out goods for test cards)"
                    .into(),
            })
        }
        "sandbox" => Ok(PaymentSettings::Sandbox {
            secret_key,
            webhook_secret,
        }),
        "stripe" => match (secret_key, webhook_secret) {
            (Some(secret_key), Some(webhook_secret)) => Ok(PaymentSettings::Stripe {
                api_base: get("DOWNLINK_STRIPE_API_BASE")
                    .unwrap_or("https://api.stripe.com")
                    .trim_end_matches('/')
                    .to_owned(),
                secret_key,
                webhook_secret,
            }),
            _ => Err(SettingsError {
                name: "DOWNLINK_PAYMENTS",
                reason: "stripe needs DOWNLINK_STRIPE_SECRET_KEY and \
                    DOWNLINK_STRIPE_WEBHOOK_SECRET"
                    .into(),
            }),
        },
        other => Err(SettingsError {
            name: "DOWNLINK_PAYMENTS",
            reason: format!("expected sandbox or stripe, got {other:?}"),
        }),
    }
}

/// `10.0.0.0/8, 192.168.1.10` (a bare address is one host).
fn trusted_proxies(list: &str) -> Result<Vec<ipnet::IpNet>, SettingsError> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| SettingsError {
                    name: "DOWNLINK_TRUSTED_PROXIES",
                    reason: format!("{item:?} is not an address or a CIDR range"),
                })
        })
        .collect()
}

fn parse<T: std::str::FromStr>(
    vars: &HashMap<String, String>,
    name: &'static str,
    default: &str,
) -> Result<T, SettingsError>
where
    T::Err: std::fmt::Display,
{
    let raw = vars.get(name).map_or(default, String::as_str);
    raw.parse().map_err(|err: T::Err| SettingsError {
        name,
        reason: format!("{raw:?}: {err}"),
    })
}

fn parse_bool(
    vars: &HashMap<String, String>,
    name: &'static str,
    default: bool,
) -> Result<bool, SettingsError> {
    match vars.get(name).map(|v| v.to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(SettingsError {
            name,
            reason: format!("expected true or false, got {other:?}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_env(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    }

    #[test]
    fn with_nothing_set_the_store_runs_on_embedded_defaults() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite://./data/downlink.sqlite");
        assert!(matches!(
            s.s3,
            S3Settings::Embedded { addr, ref bucket, credentials: None, .. }
                if addr.to_string() == "127.0.0.1:3900" && bucket == "downlink"
        ));
        assert!(s.seed_demo);
        assert!(s.run_jobs);
        assert!(
            !settings(&[("DOWNLINK_RUN_JOBS", "false")])
                .unwrap()
                .run_jobs
        );
    }

    #[test]
    fn an_external_endpoint_needs_credentials_and_keeps_them_secret() {
        assert!(settings(&[("DOWNLINK_S3_ENDPOINT", "https://s3.example.com")]).is_err());
        let s = settings(&[
            ("DOWNLINK_S3_ENDPOINT", "https://s3.example.com/"),
            ("DOWNLINK_S3_ACCESS_KEY", "AKIA"),
            ("DOWNLINK_S3_SECRET_KEY", "very-secret"),
            ("DOWNLINK_S3_PATH_STYLE", "false"),
        ])
        .unwrap();
        let printed = format!("{s:?}");
        assert!(!printed.contains("very-secret"), "{printed}");
        assert!(matches!(
            s.s3,
            S3Settings::External { ref endpoint, path_style: false, .. }
                if endpoint == "https://s3.example.com"
        ));
    }

    #[test]
    fn the_origin_of_a_url_is_the_one_browsers_send() {
        assert_eq!(
            origin_of("https://shop.example.com/store/"),
            "https://shop.example.com"
        );
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(
            origin_of("https://Shop.example.com:443/"),
            "https://shop.example.com"
        );
        assert_eq!(
            origin_of("http://shop.example.com:80"),
            "http://shop.example.com"
        );
        assert_eq!(
            origin_of("https://shop.example.com:8443"),
            "https://shop.example.com:8443"
        );
    }

    #[test]
    fn trusted_proxies_are_cidr_ranges_or_addresses() {
        let s = settings(&[("DOWNLINK_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.10,::1")]).unwrap();
        let shown: Vec<String> = s.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.168.1.10/32", "::1/128"]);
        assert!(settings(&[]).unwrap().trusted_proxies.is_empty());
        let err = settings(&[("DOWNLINK_TRUSTED_PROXIES", "10.0.0.0/33")]).unwrap_err();
        assert!(
            err.to_string().starts_with("DOWNLINK_TRUSTED_PROXIES:"),
            "{err}"
        );
    }

    #[test]
    fn payments_default_to_the_sandbox_and_stripe_needs_both_keys() {
        assert!(matches!(
            settings(&[]).unwrap().payments,
            PaymentSettings::Sandbox {
                secret_key: None,
                webhook_secret: None
            }
        ));
        let err = settings(&[
            ("DOWNLINK_PAYMENTS", "stripe"),
            ("DOWNLINK_STRIPE_SECRET_KEY", "sk_live_x"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("DOWNLINK_PAYMENTS:"), "{err}");
        let s = settings(&[
            ("DOWNLINK_PAYMENTS", "stripe"),
            ("DOWNLINK_STRIPE_SECRET_KEY", "sk_live_very_secret"),
            ("DOWNLINK_STRIPE_WEBHOOK_SECRET", "whsec_also_secret"),
        ])
        .unwrap();
        let printed = format!("{s:?}");
        assert!(!printed.contains("very_secret") && !printed.contains("also_secret"));
        assert!(matches!(
            s.payments,
            PaymentSettings::Stripe { ref api_base, .. } if api_base == "https://api.stripe.com"
        ));
        assert!(settings(&[("DOWNLINK_PAYMENTS", "paypal")]).is_err());
        let live = settings(&[("DOWNLINK_STRIPE_SECRET_KEY", "sk_live_abc")]).unwrap_err();
        assert!(
            live.to_string().contains("DOWNLINK_PAYMENTS=stripe"),
            "{live}"
        );
    }

    #[test]
    fn malformed_values_name_the_setting() {
        let err = settings(&[("DOWNLINK_ADDR", "localhost")]).unwrap_err();
        assert!(err.to_string().starts_with("DOWNLINK_ADDR:"), "{err}");
        let err = settings(&[("DOWNLINK_SEED_DEMO", "maybe")]).unwrap_err();
        assert!(err.to_string().starts_with("DOWNLINK_SEED_DEMO:"), "{err}");
    }
}
