//! The receipt mail: order number, items, amounts, license keys and a stable
//! link to the library (never a download link: those are minted there).

use sea_orm::DbErr;
use types::email::Email;
use types::money::Money;
use uuid::Uuid;

use super::{OrderError, Orders};
use crate::entities::{order, order_item};
use crate::mail::{Mail, escape_html};

impl Orders {
    /// Mails the receipt of a paid order again, to the order's address, with
    /// the license keys still valid (a buyer who lost the mail, a support
    /// case). Returns the order.
    pub async fn resend_receipt(&self, pid: Uuid) -> Result<order::Model, OrderError> {
        let receipt = self.receipt(pid).await?;
        let order = receipt.order;
        if !order.status.was_paid() {
            return Err(OrderError::NotPaid(order.number));
        }
        let items: Vec<order_item::Model> = receipt.lines.iter().map(|l| l.item.clone()).collect();
        let keys: Vec<(String, String)> = receipt
            .lines
            .iter()
            .flat_map(|line| {
                line.keys
                    .iter()
                    .filter(|k| k.revoked_at.is_none())
                    .map(|k| (line.item.title.clone(), k.key.clone()))
            })
            .collect();
        let mail = mail(&order, &items, &keys, &self.public_url)?;
        crate::mail::enqueue(&self.db, &self.clock, &mail).await?;
        Ok(order)
    }
}

/// The receipt for `order`; `keys` are (item title, key).
pub(super) fn mail(
    order: &order::Model,
    items: &[order_item::Model],
    keys: &[(String, String)],
    public_url: &str,
) -> Result<Mail, DbErr> {
    let to = Email::parse(&order.email)
        .map_err(|_| DbErr::Custom(format!("order {} has no valid address", order.pid)))?;
    let money = |minor: i64| Money::new(minor, order.currency).to_string();
    let mut rows: Vec<(String, String)> = items
        .iter()
        .map(|item| {
            let name = if item.quantity > 1 {
                format!("{} × {}", item.title, item.quantity)
            } else {
                item.title.clone()
            };
            (
                name,
                money(item.unit_amount_minor * i64::from(item.quantity)),
            )
        })
        .collect();
    if order.discount_minor > 0 {
        rows.push((
            "Discount".into(),
            format!("-{}", money(order.discount_minor)),
        ));
    }
    rows.push(("Total".into(), money(order.total_minor)));
    let library = format!("{public_url}/library");
    let sign_in = format!("{public_url}/account/magic-link");
    let mut text = format!("Thank you for your order {}.\n\n", order.number);
    for (name, amount) in &rows {
        text.push_str(&format!("  {name:<40} {amount:>12}\n"));
    }
    if !keys.is_empty() {
        text.push_str("\nLicense keys:\n");
        for (title, key) in keys {
            text.push_str(&format!("  {title}: {key}\n"));
        }
    }
    text.push_str(&format!(
        "\nYour purchases are in your library: {library}\n\
         Not signed in? Ask for a sign-in link for this address: {sign_in}\n\n— Downlink\n"
    ));
    let mut html = format!(
        "<p>Thank you for your order <strong>{}</strong>.</p><table>",
        escape_html(&order.number)
    );
    for (name, amount) in &rows {
        html.push_str(&format!(
            "<tr><td>{}</td><td style=\"text-align:right\">{}</td></tr>",
            escape_html(name),
            escape_html(amount)
        ));
    }
    html.push_str("</table>");
    if !keys.is_empty() {
        html.push_str("<p>License keys:</p><ul>");
        for (title, key) in keys {
            html.push_str(&format!(
                "<li>{}: <code>{}</code></li>",
                escape_html(title),
                escape_html(key)
            ));
        }
        html.push_str("</ul>");
    }
    html.push_str(&format!(
        "<p>Your purchases are in <a href=\"{lib}\">your library</a>. Not signed in? \
         <a href=\"{sign}\">Ask for a sign-in link</a> for this address.</p><p>— Downlink</p>",
        lib = escape_html(&library),
        sign = escape_html(&sign_in)
    ));
    Ok(Mail {
        to,
        subject: format!("Your receipt for order {}", order.number),
        text,
        html,
    })
}
