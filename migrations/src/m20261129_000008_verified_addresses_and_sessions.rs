//! Proven addresses and sessions that know their account: `users` get
//! `email_verified_at` (accounts opened by mailed link, and admins, count as
//! proven already; accounts opened with a password must confirm), and
//! `sessions` get the account they are signed in to, when they started, and
//! the device (user agent, address) for the account page's session list.
//! Sessions signed in before this migration do not say their account, so no
//! password change or proof of address could end them: they are ended here,
//! and everyone signs in once more.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::EmailVerifiedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::EmailVerifiedAt, Expr::col(Users::CreatedAt))
                    .cond_where(
                        Cond::any()
                            .add(Expr::col(Users::PasswordHash).is_null())
                            .add(Expr::col(Users::Role).eq("admin")),
                    )
                    .to_owned(),
            )
            .await?;
        let columns = [
            uuid_null(Sessions::UserPid),
            timestamp_with_time_zone(Sessions::CreatedAt)
                .default(Expr::current_timestamp())
                .to_owned(),
            string_len_null(Sessions::UserAgent, 200),
            string_len_null(Sessions::Ip, 45),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Sessions::Table)
                    .and_where(Expr::col(Sessions::Data).like(r#"%"user":%"#))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_user_pid")
                    .table(Sessions::Table)
                    .col(Sessions::UserPid)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("sessions_user_pid")
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Sessions::UserPid,
            Sessions::CreatedAt,
            Sessions::UserAgent,
            Sessions::Ip,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::EmailVerifiedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    EmailVerifiedAt,
    CreatedAt,
    PasswordHash,
    Role,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Data,
    UserPid,
    CreatedAt,
    UserAgent,
    Ip,
}
