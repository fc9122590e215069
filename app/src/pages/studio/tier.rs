//! `/studio/p/:id/tiers/:tier`: edit a tier's name, description, perks and supporter limit.

use super::editor::TierTextFields;
use super::{id_param, load_failed};
use crate::api::studio::{UpdateTier, get_studio_page};
use crate::components::form::{CsrfField, FieldError, FormAlert, action_error, invalid};
use crate::error::AppError;
use crate::i18n::arg;
use crate::model::format_money;
use crate::model::studio::{StudioPage, StudioTier};
use crate::t;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EditTierPage() -> impl IntoView {
    let id = id_param("id");
    let tier = id_param("tier");
    let data = Resource::new(
        move || (id.get(), tier.get()),
        |(id, tier)| async move {
            let (Some(id), Some(tier)) = (id, tier) else {
                return Err(AppError::NotFound);
            };
            let page = get_studio_page(id).await?;
            let t = page
                .tiers
                .iter()
                .find(|t| t.id == tier)
                .cloned()
                .ok_or(AppError::NotFound)?;
            Ok((page, t))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="page">{t!("studio-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((page, t)) => view! { <TierForm page tier=t/> }.into_any(),
                    Err(e) => load_failed(e, format!(
                        "/studio/p/{}/tiers/{}",
                        id.get_untracked().unwrap_or_default(),
                        tier.get_untracked().unwrap_or_default()
                    )),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TierForm(page: StudioPage, tier: StudioTier) -> impl IntoView {
    let action = ServerAction::<UpdateTier>::new();
    let error = action_error(action.value());
    let back = format!("/studio/p/{}#tiers", page.id);
    view! {
        <Title text=t!("studio-tier-edit-title", name = arg(&tier.name))/>
        <section class="page narrow">
            <p><a href=back>{t!("studio-back", name = arg(&page.name))}</a></p>
            <h1>{t!("studio-tier-edit-heading", name = arg(&tier.name))}</h1>
            <p class="lead">
                {t!("studio-tier-edit-lead", price = arg(format_money(tier.price_minor, &page.currency)))}
            </p>
            <form method="post" action="/api/studio/update_tier" class="stack" novalidate>
                <CsrfField/>
                <input type="hidden" name="tier_id" value=tier.id.to_string()/>
                <FormAlert error/>
                <div class="field">
                    <label for="tier-name">{t!("studio-tier-name")}</label>
                    <input id="tier-name" name="name" value=tier.name.clone() maxlength="60" autocomplete="off" required
                        aria-invalid=invalid(error, "name") aria-describedby="tier-name-error"/>
                    <FieldError error field="name" id="tier-name-error"/>
                </div>
                <TierTextFields error description=tier.description.clone() perks=tier.perks.clone()
                    limit=tier.supporter_limit.map(|l| l.to_string()).unwrap_or_default()/>
                <button type="submit" class="button">{t!("studio-tier-save")}</button>
            </form>
        </section>
    }
    .into_any()
}
