# Emails (app/src/domain/mail/templates.rs), in the recipient's language. Amounts and days
# arrive already written in that language.

mail-greeting-named = Hi { $name },
mail-greeting = Hello,
mail-link-fallback = Or paste this address into your browser: { $link }
mail-footer-supporter = You are receiving this because you support creators or causes on Chipin.
mail-footer-owner = You are receiving this because you own a page on Chipin.

mail-verify-subject = Confirm your Chipin account
mail-verify-line = Welcome to Chipin! Please confirm your email address so you can log in.
mail-verify-confirm = Confirm your address: { $link }
mail-verify-expiry = The link works for 48 hours.
mail-verify-button = Confirm my email
mail-verify-footer = If you did not sign up for Chipin, ignore this email and nothing will happen.

mail-exists-subject = You already have a Chipin account
mail-exists-line = Someone (hopefully you) tried to create a Chipin account with this email address, but you already have one.
mail-exists-log-in = Log in: { $link }
mail-exists-forgot = Forgot your password? { $link }
mail-exists-forgot-html = Forgot your password? Reset it at { $link }
mail-exists-button = Log in
mail-exists-footer = If this was not you, you can ignore this email; your account is unchanged.

mail-reset-subject = Reset your Chipin password
mail-reset-line = We received a request to reset your Chipin password.
mail-reset-choose = Choose a new password: { $link }
mail-reset-expiry = The link works once, for one hour.
mail-reset-button = Choose a new password
mail-reset-footer = If you did not ask for this, ignore this email; your password stays the same.

mail-changed-subject = Your Chipin password was changed
mail-changed-line = The password of your Chipin account was just changed, and every other session was logged out.
mail-changed-not-you = Not you? Reset it: { $link }
mail-changed-button = Reset my password
mail-changed-footer = If this was not you, reset your password at once with the link above.

mail-failed-subject = Your Chipin payment of { $amount } did not go through
mail-failed-line = We could not collect your monthly Chipin charge of { $amount }: { $reason }.
mail-failed-reason-insufficient-funds = your bank reported insufficient funds
mail-failed-reason-expired-card = your card has expired
mail-failed-reason-no-method = there is no payment method on your account
mail-failed-reason-not-confirmed = your bank could not confirm the payment
mail-failed-reason-unusable = your saved payment method can no longer be used
mail-failed-reason-declined = your bank declined it
mail-failed-final = We have tried several times, so your pledges are paused and this month's donations were not made. Update your payment method and resume them whenever you like.
mail-failed-retry = Nothing is lost: we will try again in a few days. Updating your payment method now makes sure your creators and causes get your support.
mail-failed-update = Update your payment method: { $link }
mail-failed-button = Update payment method

mail-authenticate-subject = Please confirm your Chipin payment of { $amount }
mail-authenticate-line = Your bank asks you to confirm your monthly Chipin charge of { $amount }. Until you do, the charge waits.
mail-authenticate-confirm = Confirm the payment: { $link }
mail-authenticate-button = Confirm payment

mail-receipt-subject = Your Chipin receipt: { $amount }
mail-receipt-intro = Thank you! We charged your card { $amount } (reference { $reference }); the card processor's fee was { $fee }, shared among your donations in proportion to their size.
mail-receipt-head-donation = Donation
mail-receipt-head-gross = Gross
mail-receipt-head-fee = Fee share
mail-receipt-head-platform-fee = Platform fee
mail-receipt-head-net = Net
mail-receipt-line = { $recipient } ({ $label }): { $gross } given, fee share { $fee }, platform fee { $platform_fee }, { $net } to them. Where it goes: { $link }
mail-receipt-pledge = monthly pledge, { $period }
mail-receipt-tip = tip
mail-receipt-earmarked = { $kind }, earmarked for { $line }
mail-receipt-outro = Each link shows where that donation goes next: the payout that pays it out and, for causes, the expenses it pays for.

mail-refund-subject = Your Chipin refund: { $amount }
mail-refund-intro = We refunded { $amount } to the card you gave with. Your bank usually shows it within 5 to 10 business days.
mail-refund-part = { $amount } of your donation to { $page }
mail-refund-which = The refund is for: { $list }.

mail-refund-request-subject = A refund request for { $page }
mail-refund-request-item = donation #{ $item } of { $amount }
mail-refund-request-intro = A supporter of { $page } asks for a refund of: { $list }.
mail-refund-request-why = Their reason: { $reason }
mail-refund-request-next = Approve or decline it in your studio. Approving refunds the donation in full; declining sends the supporter your reason.
mail-refund-request-see = See the request: { $link }
mail-refund-request-button = See the request

mail-refund-declined-subject = Your refund request to { $page }
mail-refund-declined-intro = { $page } declined your request for a refund of your { $amount } donation.
mail-refund-declined-why = Their reason: { $reason }
mail-refund-declined-see = Your donation: { $link }
mail-refund-declined-button = See your donation

mail-hooks-disabled-subject = Webhooks to { $url } are disabled
mail-hooks-disabled-before-url = Chipin could not deliver webhooks from your page { $page } to
mail-hooks-disabled-after-url = for three days, so it has stopped sending to it. Nothing is lost: the deliveries are kept in the log.
mail-hooks-disabled-again-text = Once the endpoint answers again, enable it and send the failed deliveries again from the studio:
# The HTML part: { $action } is a link reading mail-hooks-disabled-action.
mail-hooks-disabled-again = Once the endpoint answers again, { $action }.
mail-hooks-disabled-action = enable it and send the failed deliveries again
