//! Where did each donation's money go? The donation trail a supporter reads: gross, fee share,
//! platform fee share, net, the payout that paid it and, for a cause, the expenses it funded.

use crate::domain::Db;
use crate::model::ItemKind;

/// Where donation `item` went, if `supporter` gave it; `None` otherwise (or if there is none).
pub async fn donation(
    db: &Db,
    supporter: i64,
    item: i64,
) -> Result<Option<crate::model::trail::DonationTrail>, sqlx::Error> {
    use crate::domain::platform::clock::iso_day;
    use crate::model::trail::{DonationTrail, TrailExpense, TrailPayout};
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "select i.id, r.name, r.slug, r.kind, i.currency, i.gross_minor, i.period, \
           a.charge_id, c.processor_ref, c.updated_at, a.fee_minor, a.platform_fee_minor, a.net_minor, a.refunded_at, \
           b.name \
         from donation_items i join recipients r on r.id = i.recipient_id \
         left join allocations a on a.item_id = i.id left join charges c on c.id = a.charge_id \
         left join budget_lines b on b.id = i.budget_line_id \
         where i.id = $1 and i.supporter_id = $2",
    )
    .bind(item)
    .bind(supporter)
    .fetch_optional(db.pool())
    .await?;
    let Some((
        id,
        name,
        slug,
        kind,
        currency,
        gross,
        period,
        charge_id,
        charge_ref,
        charged_at,
        fee,
        platform,
        net,
        refunded_at,
        earmark,
    )) = row
    else {
        return Ok(None);
    };
    let payouts: Vec<(i64, String, i64, String, Option<String>)> = sqlx::query_as(
        "select p.paid_on, p.reference, s.amount_minor, p.status, t.transfer_ref from payout_shares s \
         join payouts p on p.id = s.payout_id left join stripe_transfers t on t.payout_id = p.id \
         where s.item_id = $1 and p.returned_at is null order by p.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    #[derive(sqlx::FromRow)]
    struct ExpenseRow {
        spent_on: i64,
        description: String,
        share: i64,
        amount: i64,
        receipt_url: Option<String>,
        budget_line: Option<String>,
    }
    let expenses: Vec<ExpenseRow> = sqlx::query_as(
        "select x.spent_on, x.description, s.amount_minor as share, x.amount_minor as amount, \
                x.receipt_url, b.name as budget_line from expense_shares s \
         join expenses x on x.id = s.expense_id left join budget_lines b on b.id = x.budget_line_id \
         where s.item_id = $1 and x.corrected_at is null order by x.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let share = if refunded_at.is_some() {
        0
    } else {
        net.unwrap_or(0)
    };
    let paid: i64 = payouts.iter().map(|p| p.2).sum();
    let spent: i64 = expenses.iter().map(|e| e.share).sum();
    let is_cause = kind == "cause";
    Ok(Some(DonationTrail {
        item_id: id,
        recipient_name: name,
        recipient_slug: slug,
        is_cause,
        kind: match period {
            Some(p) => ItemKind::of(true, Some(p)),
            None => ItemKind::Tip,
        },
        currency,
        budget_line: earmark,
        gross_minor: gross,
        charge_id,
        charge_ref,
        charged_on: charged_at.map(iso_day),
        fee_minor: fee.unwrap_or(0),
        platform_fee_minor: platform.unwrap_or(0),
        net_minor: net.unwrap_or(0),
        refunded: refunded_at.is_some(),
        unpaid_minor: if is_cause { spent - paid } else { share - paid },
        unspent_minor: if is_cause { share - spent } else { 0 },
        // Refunds and requests are added by the caller (they belong to billing and giving).
        refunds: Vec::new(),
        request: None,
        ask_until: None,
        other_donations: 0,
        payouts: payouts
            .into_iter()
            .map(
                |(paid_on, reference, amount, status, transfer_ref)| TrailPayout {
                    paid_on: iso_day(paid_on),
                    reference,
                    amount_minor: amount,
                    arrived: status == "paid",
                    transfer_ref,
                },
            )
            .collect(),
        expenses: expenses
            .into_iter()
            .map(|e| TrailExpense {
                spent_on: iso_day(e.spent_on),
                description: e.description,
                budget_line: e.budget_line,
                share_minor: e.share,
                amount_minor: e.amount,
                receipt_url: e.receipt_url,
            })
            .collect(),
    }))
}
