//! The command line: `serve` (default), `migrate`, `create-admin`, `seed-demo`.

use std::io::Read;

use crate::settings::Settings;
use crate::startup::{self, Application};

/// Shown when the arguments cannot be understood.
pub const USAGE: &str = "\
usage: server [COMMAND]

commands:
  serve                                  run the store (default)
  migrate                                apply database migrations and exit
  create-admin --email E --password-stdin
                                         create an admin account (or make an
                                         existing account an admin), reading the
                                         password from standard input
  seed-demo                              add the demo catalog's missing products

Configuration comes from DOWNLINK_* environment variables (see README).";

/// What the binary was asked to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    CreateAdmin { email: String },
    SeedDemo,
    Help,
}

impl Command {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut args = args.into_iter();
        let command = match args.next().as_deref() {
            None | Some("serve") => Self::Serve,
            Some("migrate") => Self::Migrate,
            Some("seed-demo") => Self::SeedDemo,
            Some("help" | "--help" | "-h") => Self::Help,
            Some("create-admin") => {
                let (mut email, mut password_stdin) = (None, false);
                while let Some(arg) = args.next() {
                    match arg.as_str() {
                        "--email" => email = args.next(),
                        "--password-stdin" => password_stdin = true,
                        other => {
                            if let Some(value) = other.strip_prefix("--email=") {
                                email = Some(value.to_owned());
                            } else {
                                return Err(format!("create-admin: unknown argument {other:?}"));
                            }
                        }
                    }
                }
                let email = email.ok_or("create-admin needs --email E")?;
                if !password_stdin {
                    return Err("create-admin reads the password from standard input: \
                        pass --password-stdin"
                        .to_owned());
                }
                return Ok(Self::CreateAdmin { email });
            }
            Some(other) => return Err(format!("unknown command {other:?}")),
        };
        match args.next() {
            None => Ok(command),
            Some(extra) => Err(format!("unexpected argument {extra:?}")),
        }
    }
}

/// Runs `command` with settings from the environment.
pub async fn run(command: Command) -> Result<(), Box<dyn std::error::Error>> {
    if command == Command::Help {
        println!("{USAGE}");
        return Ok(());
    }
    let settings = Settings::from_env(std::env::vars())?;
    crate::telemetry::init(settings.log_format);
    match command {
        Command::Serve => {
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await?
        }
        Command::Migrate => {
            startup::open_database(&settings).await?;
            println!("migrations applied");
        }
        Command::CreateAdmin { email } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let db = startup::open_database(&settings).await?;
            let accounts = domain::accounts::Accounts::new(
                db,
                domain::clock::Clock::System,
                settings.public_url_for(settings.addr),
            );
            let outcome = accounts.create_admin(&email, password).await?;
            println!("{outcome}");
        }
        Command::SeedDemo => {
            let db = startup::open_database(&settings).await?;
            let (storage, _embedded) = startup::open_storage(&settings).await?;
            let clock = domain::clock::Clock::System;
            let added = domain::demo::seed(&db, &storage, &clock).await?;
            println!("demo catalog: {added} product(s) added");
        }
        Command::Help => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        Command::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn no_command_means_serve() {
        assert_eq!(parse(&[]), Ok(Command::Serve));
        assert_eq!(parse(&["serve"]), Ok(Command::Serve));
    }

    #[test]
    fn create_admin_needs_an_email_and_a_password_on_stdin() {
        assert_eq!(
            parse(&["create-admin", "--email", "a@b.c", "--password-stdin"]),
            Ok(Command::CreateAdmin {
                email: "a@b.c".into()
            })
        );
        assert!(parse(&["create-admin", "--password-stdin"]).is_err());
        assert!(parse(&["create-admin", "--email", "a@b.c"]).is_err());
    }

    #[test]
    fn unknown_commands_and_extra_arguments_are_refused() {
        assert!(parse(&["frobnicate"]).is_err());
        assert!(parse(&["migrate", "now"]).is_err());
    }
}
