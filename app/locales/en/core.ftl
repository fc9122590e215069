# Around every page: the header, the footer, the language switcher, errors any page can show.

skip-to-content = Skip to content
nav-main = Main
nav-explore = Explore
nav-studio = Studio
nav-billing = Billing
nav-log-out = Log out
nav-menu = Menu
nav-log-in = Log in
nav-sign-up = Sign up
footer-about = Chipin combines everything you give in a month into one card charge, so small tips are not eaten by fees. Open source and self-hostable.
language-switch = Language
language-unknown = Chipin is not translated into that language.

not-found-title = Page not found
not-found-description = There is nothing at this address on Chipin.
not-found-lead = There is nothing at this address. It may have moved, or the link may be mistyped.
not-found-explore = Explore creators and causes
error-title = Something went wrong
error-back = Back to Chipin

error-unauthenticated = Please log in to continue.
error-forbidden = You are not allowed to do that.
error-not-found = We could not find that.
error-internal = Something went wrong on our side. Please try again in a moment.
error-form-incomplete = The form was incomplete. Please reload the page and try again.
error-unreachable = Could not reach Chipin. Check your connection and try again.
error-refused-title = Request refused
error-refused-body = This form has expired or was sent from another site. Go back, reload the page and try again.
error-form-too-large = The form is too large.
error-unavailable = Chipin is unavailable right now. Please try again in a moment.

# Amounts a person types (any form that takes money).
money-empty = Enter an amount.
money-malformed = Enter an amount like 5 or 5.50.
money-not-positive = The amount must be more than zero.
money-too-precise = { $currency } amounts can have at most { $places ->
    [one] one decimal place
   *[other] { $places } decimal places
}.
money-too-precise-none = { $currency } amounts have no decimal places.
money-too-large = The amount can be at most { $max }.
money-wrong-currency = That currency symbol does not match { $currency }.
money-currency-mismatch = Amounts in different currencies cannot be combined.
money-overflow = The amount is too large to compute with.
money-unknown-currency = Chipin does not support that currency.
money-ambiguous = Did you mean { $low } or { $high }? Type { $low_typed } or { $high_typed }.

# Actions that need two-factor sign-in first.
two-factor-needed = Turn on two-factor sign-in (Your account → Two-factor sign-in) before { $what }.
two-factor-for-recording-expenses = recording expenses
two-factor-for-correcting-expenses = correcting expenses
two-factor-for-connecting-payouts = connecting payouts
