# The supporter's billing page (upcoming charge, pledges, past charges, payment method, billing
# day) and the page that confirms a payment the bank asked about.

bill-title = Billing
bill-description = Your pledges, tips and charges on Chipin, with every fee shown.
bill-lead = Everything you give is combined into one charge per currency on your billing day.
bill-statement-link = Yearly statement and CSV download
bill-back-arrow = ← Billing
bill-back-to-billing = Back to billing
bill-test-mode = TEST MODE

## Notices after a form

bill-added-pledge-on = Thank you! Your monthly pledge of { $amount } to { $recipient } is set up. Its first month will be collected on { $day } with your next { $currency } charge.
bill-added-pledge-next = Thank you! Your monthly pledge of { $amount } to { $recipient } is set up. Its first month will be collected with your next charge.
bill-added-tip-on = Thank you! Your tip of { $amount } to { $recipient } will be collected on { $day } with your next { $currency } charge.
bill-added-tip-next = Thank you! Your tip of { $amount } to { $recipient } will be collected with your next charge.
bill-done-changed = Your pledge amount was changed. The new amount applies from your next charge.
bill-done-paused = Your pledge is paused. Nothing is charged for it until you resume it.
bill-done-resumed = Your pledge is active again.
bill-done-cancelled = Your pledge was cancelled. Months already charged stay with the recipient.
bill-done-tip-changed = Your tip was changed. Your next charge collects the new amount.
bill-done-tip-removed = Your tip was removed. Nothing is charged for it.
bill-saved-payment-method = Your payment method was saved.
bill-saved-billing-day = Your billing day was saved.
bill-card-cancelled = Nothing was changed: you left Stripe's page before saving a card.
bill-card-not-saved = Your card was not saved: Stripe's page was not completed for your account. Please try again.
bill-card-unreachable = Stripe could not be reached, so we could not check your new card. Please try again in a minute.
bill-card-unverified = Your card was not saved: please confirm your email address first, with the link we sent you.
bill-card-too-many-cards = Your card was not saved: too many cards have been saved today from this account or network. Please try again tomorrow.
bill-card-too-many-failures = Your card was not saved: too many payments have failed today. Please try again tomorrow.
bill-needs-method = Add a payment method before your next charge.
bill-choose-below = Choose one below

## A charge that failed or waits for the bank

bill-attention-confirm = Your bank asked you to confirm the payment of { $amount } from { $date }. Confirm it to complete the charge.
bill-attention-failed = Your payment of { $amount } on { $date } failed.
bill-retry-on = We will try again on { $date }.
bill-last-attempt = That was the last attempt: its donations were voided and your pledges paused.
bill-confirm-the-payment = Confirm the payment
bill-update-method = Update your payment method
bill-decline-card-declined = The card was declined.
bill-decline-insufficient-funds = The card has insufficient funds.
bill-decline-expired-card = The card has expired.
bill-decline-no-payment-method = No payment method was saved.
bill-decline-authentication-failed = Your bank could not confirm the payment.
bill-decline-method-unusable = The saved payment method can no longer be used ({ $code }).
bill-decline-other = The payment was declined ({ $code }).

## Upcoming charge

bill-upcoming-heading = Upcoming charge
bill-tip-not-changed = Your tip was not changed.
bill-upcoming-empty = Nothing to collect yet. Pledges and tips you make are collected together on your billing day.
bill-upcoming-title = { $currency } charge on { $date }
bill-upcoming-caption = Items in your { $title }
bill-col-donation = Donation
bill-col-amount = Amount
bill-carried-forward = Carried forward
bill-you-pay = You pay
bill-estimated-fee = Estimated card fee, inside that total
bill-fee-inside = You pay exactly the total: the card fee is not added on top. It is taken out of these amounts, each donation bearing a share in proportion to its size, and each recipient receives the rest.
bill-will-carry = This is below the { $minimum } minimum charge, so unless you add more it is carried forward to the next cycle.
bill-tip-manage = Change or remove
bill-tip-manage-which = this tip to { $recipient }
bill-tip-amount = Tip amount ({ $currency })
bill-yes-give = Yes, give
bill-tip-message = Message (optional)
bill-change-tip = Change tip
bill-remove-tip-question = Remove your tip of { $amount } to { $recipient }? It will not be charged.
bill-remove = Remove
bill-remove-tip-aria = Remove tip of { $amount } to { $recipient }

## Pledges

bill-pledges-heading = Your pledges
bill-pledge-not-changed = Your pledge was not changed.
bill-pledges-none = You have no pledges yet.
bill-find-someone = Find a creator or cause
bill-pledges-caption = Your monthly pledges
bill-col-recipient = Recipient
bill-col-monthly = Monthly
bill-col-status = Status
bill-col-manage = Manage
bill-per-month = a month
bill-pledge-since = since { $date }
bill-pledge-active = Active
bill-pledge-past-due = Past due
bill-pledge-paused = Paused
bill-pledge-cancelled = Cancelled
bill-new-amount-label = New monthly amount for { $recipient }
bill-change-amount = Change amount
bill-change-amount-aria = Change amount for { $recipient }
bill-yes-pledge = Yes, pledge
bill-pause = Pause
bill-pause-aria = Pause pledge to { $recipient }
bill-resume = Resume
bill-resume-aria = Resume pledge to { $recipient }
bill-pledge-owed = You have read supporter-only posts with this pledge, so its first month ({ $amount }) is charged on your billing day even if you pause, lower or cancel it now.
bill-cancel-question = Cancel your monthly pledge of { $amount } to { $recipient }? Nothing more is charged for it; months already charged stay with the recipient.
bill-cancel = Cancel
bill-cancel-aria = Cancel pledge to { $recipient }

## Past charges

bill-past-heading = Past charges
bill-past-none = No charges yet.
bill-charge-heading = { $date } · { $currency } charge
bill-charge-carried = Below the minimum charge, so nothing was charged: these donations were carried forward to the next cycle.
bill-next-attempt = Next attempt on { $date }.
bill-charge-waiting = Waiting for you to confirm the payment with your bank.
bill-charge-processing = The bank is still processing this payment.
bill-charge-pending = About to be sent to the card processor.
bill-charge-fee = Card fee { $fee }, shared by its donations in proportion to their size.
bill-cycle = Cycle { $cycle }
bill-attempt = Attempt { $attempt }
bill-charge-status-pending = Pending
bill-charge-status-processing = Processing
bill-charge-status-succeeded = Succeeded
bill-charge-status-failed = Failed
bill-charge-status-requires-action = Requires action
bill-charge-moved = Its donations moved to the next attempt.
bill-charge-caption = Donations in the { $currency } charge of { $date }
bill-col-gross = Gross
bill-col-fee-share = Fee share
bill-col-platform-fee = Platform fee
bill-col-platform = Platform
bill-col-net-to-recipient = Net to recipient
bill-col-net = Net
bill-donation-pending = Pending
bill-donation-charging = Being charged
bill-donation-paid = Paid
bill-donation-voided = Voided
bill-donation-refunded = Refunded
bill-where-it-went = Where it went

## Payment method and billing day

bill-payment-method = Payment method
bill-save-then-back = Save a card, then you go straight back to your tip.
bill-back-to-tip = Back to your tip
bill-saved-method = Saved:
bill-no-method = No payment method saved yet.
bill-simulated-checkout = Simulated checkout: no real card is charged. Pick how the test card behaves.
bill-test-card = Test card
bill-save-method = Save payment method
bill-stripe-replace = Replace card with Stripe
bill-stripe-add = Add a card with Stripe
bill-stripe-help = You enter your card on Stripe's secure page; Chipin never sees the card number.
bill-day-heading = Billing day
bill-day-help-set = Everything you give is collected on this day each month.
bill-day-help-unset = Set when you first pledge or tip; you can choose it now.
bill-day-label = Day of the month (1–28)
bill-day-save = Save billing day

## Confirming a payment the bank asked about

bill-auth-title = Confirm your payment
bill-auth-description = Confirm a payment your bank asked you to authenticate.
bill-auth-paid = Thank you: your payment of { $amount } went through. Every donation in it is paid.
bill-auth-declined = Your bank could not confirm the payment, so it was declined. It is tried again on the usual schedule; you can change your payment method on your billing page.
bill-auth-settled = This payment had already been settled; nothing more was done.
bill-auth-waiting = Your bank has not confirmed the payment yet. Confirm it below to pay.
bill-auth-unreachable = Stripe could not be reached to check the payment. If you confirmed it, it shows as paid as soon as Stripe tells Chipin; otherwise try again in a moment.
bill-auth-processing = Thank you: your bank confirmed the payment and it is being processed. You get a receipt by email once it is paid.
bill-auth-status-paid = This payment is paid. There is nothing for you to do.
bill-auth-status-declined = This payment was declined. There is nothing to confirm.
bill-auth-status-processing = Your bank is processing this payment.
bill-auth-status-not-needed = This payment does not need you to confirm it.
bill-auth-lead-waiting = Your bank asked you to confirm the payment of { $amount } from { $date }. It carries every donation below in one charge.
bill-auth-lead = Payment of { $amount } from { $date }.
bill-auth-challenge-heading = Authenticate with your bank
bill-auth-simulated = Simulated bank check: no real card is charged. Choose how the test authentication ends.
bill-auth-pass = Authenticate and pay
bill-auth-fail = Fail authentication
bill-auth-stripe-heading = Confirm with your bank
bill-auth-stripe-lead = Stripe opens your bank's check in a secure window. Once you have answered it, this page shows whether the payment went through.
bill-auth-stripe-js = This needs JavaScript: the window comes from Stripe (js.stripe.com).
bill-auth-confirm-payment = Confirm payment
bill-auth-stripe-unloaded = Stripe could not be loaded. Check your connection, then reload this page.
bill-auth-stripe-failed = Something went wrong while talking to Stripe. Please try again.

## The simulated processor's test cards

bill-pm-visa = Visa ending 4242 — always succeeds
bill-pm-declined = Card declined
bill-pm-insufficient-funds = Declined: insufficient funds
bill-pm-expired-card = Declined: expired card
bill-pm-authentication-required = Requires authentication (3-D Secure)
bill-pm-saved-card = Saved card

## The yearly statement as CSV (header row)

bill-csv-date = Date
bill-csv-recipient = Recipient
bill-csv-donation = Donation
bill-csv-currency = Currency
bill-csv-gross = Gross
bill-csv-fee-share = Fee share
bill-csv-platform-fee = Platform fee
bill-csv-net = Net
bill-csv-charge-reference = Charge reference
