# Giving: the pledge and tip forms (the page's island), the fee preview, the chip-in window,
# a donation's trail, the yearly statement, and the errors these forms can show.

## The give forms

give-your-pledge-title = Your monthly pledge
give-your-pledge = You pledge { $amount } a month ({ $status }).
give-your-pledge-tier = You pledge { $amount } a month at { $tier } ({ $status }).
give-your-pledge-change = Change, pause or cancel it on your billing page
give-status-active = active
give-status-past-due = past due
give-status-paused = paused
give-status-cancelled = cancelled
give-pledge-title = Pledge monthly
give-pledge-lead = Collected with everything else you give, on your billing day. Change, pause or cancel any time.
give-pledge-choose = Choose a tier or your own amount
give-pledge-your-amount = Your monthly amount
give-custom-amount = Custom amount
give-custom-monthly-amount = Custom monthly amount ({ $currency })
give-custom-amount-help = Used when you choose Custom amount, for example 5 or 12.50.
give-custom-amount-help-whole = Used when you choose Custom amount, for example 5 or 12.50.
give-yes-pledge = Yes, pledge
give-yes-give = Yes, give
give-confirm-large-button = { $yes } { $amount }
give-pledge-button = Pledge monthly
give-tip-title = Send a one-off tip
give-tip-lead = Collected once, with your next charge.
give-tip-amount = Tip amount ({ $currency })
give-tip-message = Message (optional)
give-tip-message-help = Up to 500 characters. Public tips may show it on the page.
give-tip-button = Send tip
give-earmark = Earmark it for
give-earmark-anywhere = Where it's needed most
give-earmark-help = Earmarked money is spent only on expenses in that budget line.
give-visibility = Who can see this
give-visibility-public = Public: show my name
give-visibility-anonymous = Anonymous: count it, hide my name
give-visibility-private = Private: off the public page, your name hidden from the owner too
give-preview-fee = Preview fee

## The fee preview

give-preview-empty = Type an amount to see its share of the card fee on your next charge.
give-fee-alone = Fee: { $fee } of { $amount } ({ $rule }), taken out of the gift: it is the only donation in your next charge, so it bears the whole card fee. Anything else you give before then shares it.
give-fee-shared = Fee: { $fee } of { $amount }, its share of one card fee ({ $rule }) on your next charge. Charged alone it would lose { $alone }.
give-fee-shared-saves = Fee: { $fee } of { $amount }, its share of one card fee ({ $rule }) on your next charge. Charged alone it would lose { $alone }, so combining saves { $saved }.
give-next-charge = Your next { $currency } charge, on { $day }
give-next-charge-caption = Your next charge with this donation
give-col-donation = Donation
give-you-pay = You pay
give-estimated-fee = Estimated card fee, inside that total ({ $rule })
give-below-minimum = That total is below the { $minimum } minimum charge, so it waits (carried forward) until your next charge reaches it.
give-item-this-donation = This donation
give-item-tip = Tip
give-item-pledge = Monthly pledge
give-item-pledge-period = Monthly pledge, { $period }
give-item-pledge-tier = Monthly pledge · { $tier }

## Form pieces any form can show

give-step-up-code = Code from your authenticator app
give-step-up-code-help = Not needed if you entered one in the last ten minutes. A recovery code works too.

## A page's donations, as its owner sees them

give-page-donations-empty = No charged donations yet.
give-partly-refunded = Partly refunded: { $amount }
give-refunded = Refunded: { $amount }
give-refunded-on = on { $day }
give-refund-donation = Refund donation #{ $id }
give-refund = Refund
give-col-charged = Charged
