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
give-item-pledge-period = Monthly pledge ({ $period })
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

## The chip-in window

give-chip-in = Chip in
give-chip-in-description = Confirm a tip in one click; it joins your next monthly charge.
give-chip-in-log-in-lead = Log in to send this tip. It joins your next monthly charge, so even a cent is not eaten by card fees.
give-chip-in-log-in = Log in to chip in
give-chip-in-come-back = After logging in you come straight back here to confirm.
give-chip-in-to = Chip in { $amount } to { $name }
give-chip-in-add-card-lead = Add a card first: your tips are collected together in one monthly charge, so a tiny tip costs almost nothing in fees.
give-chip-in-add-card = Add a card
give-chip-in-visit = Visit { $name }
give-chip-in-amount = Chip in { $amount }
give-chip-in-recipient = To
give-chip-in-confirm = Confirm { $amount } tip
give-chip-in-terms = Public tip, no message. You can undo it for a few minutes, and remove it from your billing page until it is charged.
give-thanks-title = Thank you
give-thanks-description = Your tip joins your next monthly charge.
give-tip-undone = Tip undone
give-tip-undone-lead = Your { $amount } tip to { $name } was removed; nothing will be charged for it.
give-close-window = You can close this window.
give-thanks-heading = Thank you — you can close this window
give-thanks-lead = Your { $amount } tip to { $name } joins your next monthly charge.
give-undo = Undo (for { $minutes } minutes)
give-see-next-charge = See your next charge

## Where one donation went

give-back-to-billing = Billing
give-trail-title = Your donation to { $name }
give-trail-heading = Where your donation went
give-trail-lead = { $what } to { $page }
give-trail-lead-refunded = { $what } to { $page }. It was refunded to you.
give-trail-earmark = You earmarked it for the budget line { $line }: it is spent only on expenses in that line.
give-trail-charged = Charged
give-trail-charged-on = Charged on { $day } as part of charge { $charge }.
give-trail-not-charged = Not charged yet: it will be collected with your next consolidated charge.
give-col-gross = Gross
give-trail-card-fee = Card fee share
give-trail-platform-fee = Platform fee share
give-trail-net = Net to recipient
give-trail-spent-on = Spent on
give-trail-col-expense-total = Expense total
give-trail-col-your-part = Your part
give-trail-none-spent = None of it has been spent yet.
give-trail-still-unspent = Still unspent:
give-trail-paid-organizer = Paid out to the organizer for those expenses
give-trail-paid-creator = Paid out to the creator
give-trail-col-sent-on = Sent on
give-trail-col-reference = Reference
give-trail-col-status = Status
give-trail-stripe-transfer = Stripe transfer { $reference }
give-trail-payout-taken-back = taken back: the donation was refunded after it was paid out
give-trail-payout-arrived = arrived
give-trail-payout-in-transit = in transit
give-trail-not-paid-out = Not paid out yet.
give-trail-nothing-paid-out = Nothing of it is paid out: it was refunded.
give-trail-all-paid-out = All of it has been paid out.
give-trail-all-paid-out-cause = All of it has been paid out; what is still unspent waits with the organizer until an expense uses it.
give-trail-refunded-after = Refunded after it was paid out: { $amount } comes out of the page's next payout.
give-trail-not-paid-out-yet = Not paid out yet:

## Refunds of a donation, and asking for one

give-refund-line = { $amount } refunded on { $day } by { $by }: { $reason }.
give-refund-no-reason = no reason given
give-refund-by-owner = the page's owner
give-refund-by-operator = Chipin
give-refund-by-processor = the payment processor
give-refund-asked-open = You asked for a refund on { $day }. The page's owner has not answered yet.
give-refund-asked-refunded = You asked for a refund on { $day }; it was refunded.
give-refund-asked-declined = You asked for a refund on { $day }; the page's owner declined: { $reason }
give-refund-ask-until = You can ask the page's owner for this donation back until { $day }. If they approve, you get back everything you paid for it.
give-refund-why = Why do you want it back?
give-refund-whole-charge = The whole charge was a mistake: ask for its { $count } other donation(s) back too
give-refund-ask = Ask for a refund
give-refund-sent = Your request is sent. The page's owner is emailed and you will hear back by email.

## The yearly statement

give-statement-title = Yearly statement
give-statement-heading = Statement for { $year }
give-statement-lead = Every donation paid this year, across all the creators and causes you support: what you gave, the fees it bore and what reached the recipient.
give-statement-year = Year
give-statement-show = Show
give-statement-csv = Download CSV
give-statement-empty = No donations were paid in { $year }.
give-statement-totals = Totals
give-statement-totals-caption = Totals for { $year } by currency
give-statement-donations-caption = Donations paid in { $year }
give-col-currency = Currency
give-col-platform-fee = Platform fee
give-col-net = Net
give-col-fee-share = Fee share
give-col-recipient = Recipient
give-col-charge = Charge

## What a pledge or tip can be refused with

give-err-visibility = Choose who can see this.
give-err-tier-or-amount = Choose a tier or enter a monthly amount.
give-err-tier-choose = Choose one of this page's tiers.
give-err-tier-retired = That tier is no longer offered.
give-err-tier-minimum = This tier needs at least { $amount } a month.
give-err-tier-full = This tier is full.
give-err-already-pledging = You already pledge to this page; change that pledge instead.
give-err-pledge-cancelled = This pledge was cancelled.
give-err-self-support = You cannot support your own page.
give-err-closed = This page has closed and no longer takes pledges or tips.
give-err-line-not-one = Choose one of this cause's budget lines, or none.
give-err-line-retired = That budget line is retired; choose another one.
give-err-message-long = Keep your message to { $max } characters.
give-err-message-control = Your message cannot contain control characters.
give-err-tips-per-hour = You have made { $count } tips in the last hour, the most we allow. Please try again later.
give-err-one-click-per-day = You have sent { $count } one-click tips in the last 24 hours, the most a button allows. You can still tip on the page itself, or come back tomorrow.
give-err-confirm-give = Give { $amount } to { $name }?
give-err-confirm-pledge = Pledge { $amount } a month to { $name }?
give-err-confirm-tip-change = Change your tip to { $name } to { $amount }?
give-err-tip-removed = This tip was already removed.
give-err-tip-charging = This tip is already being charged, so it can no longer be changed or removed.
give-err-chip-in-card = Add a card before you chip in: the tip joins your next monthly charge.
give-err-undo-expired = The undo link works for { $minutes } minutes after a tip. You can still remove it from your billing page until it is charged.
give-err-button-max = A button tip can be at most { $max }; larger gifts go through the page's own form.
give-err-billing-day = Choose a day from 1 to 28.
give-err-payment-method = Choose a payment method.
give-err-card-on-stripe = Cards are saved on Stripe's secure page: use “Add a card with Stripe”.
give-err-card-unverified = Please confirm your email address before saving a card: follow the link we sent you.
give-err-cards-per-account = This account has saved too many cards today. Please try again tomorrow.
give-err-cards-per-client = Too many cards have been saved from your network today. Please try again tomorrow.
give-err-failed-per-account = Too many payments from this account have failed today. Please try again tomorrow.
give-err-failed-per-card = Too many payments with this card have failed today. Please use another card or try again tomorrow.
give-err-stripe-not-set-up = Card payments through Stripe are not set up on this site.
give-err-stripe-unreachable = Stripe could not be reached. Please try again in a minute.
give-err-processor-check = Stripe could not be reached to check this payment. Try again in a moment.
give-err-confirm-with-stripe = This payment is confirmed with Stripe, not with the test challenge.
give-err-test-challenge = Choose whether the test authentication passes or fails.
give-err-pause-only-active = Only an active pledge can be paused.
give-err-resume-only-paused = Only a paused pledge can be resumed.
give-err-already-cancelled = This pledge was already cancelled.

## What a cause's expenses, budget lines and payouts can be refused with

## The chip-in button other sites frame, and its badge

give-embed-no-such-page = There is no such page on Chipin.
give-embed-default-label = Chip in
give-embed-tip = { $label } { $amount }
give-embed-closed = This page no longer takes tips.
give-embed-goal-raised = { $amount } of { $goal } raised
give-embed-goal-monthly = { $amount } of { $goal } a month
give-embed-goal-percent = { $percent }% of the goal
give-embed-tier = { $tier } · { $amount } a month
give-embed-on-chipin = { $name } on Chipin
give-embed-title = Chip in to { $name }
give-embed-badge-monthly = { $amount } a month
give-embed-badge-goal = { $percent }% of { $goal }
give-embed-badge-title = { $name }: { $value } on Chipin
