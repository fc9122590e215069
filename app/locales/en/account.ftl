# The account pages: sign up, log in, reset the password, two-factor sign-in, the account
# page (language, API tokens, your data) and deleting the account; their form errors.

acct-loading = Loading…
acct-log-in = Log in
acct-continue = Continue
acct-back-to-account = ← Your account

## Fields

acct-field-your-name = Your name
acct-field-email = Email
acct-field-password = Password
acct-field-new-password = New password
acct-field-current-password = Current password
acct-field-your-password = Your password
acct-password-help = 8 to 128 characters. A few unrelated words make a strong password.

## Sign up

acct-signup-title = Sign up
acct-signup-description = Create a Chipin account to tip and pledge to creators and causes.
acct-signup-heading = Create your Chipin account
acct-signup-lead = Support creators and causes with one monthly charge.
acct-signup-submit = Create account
acct-signup-have-account = Already have an account?
acct-check-email-title = Check your email
acct-check-email-description = Follow the link we emailed you to continue on Chipin.
acct-check-email-lead = We sent a link to confirm your address. Open it to finish creating your account.
acct-check-email-nothing = Nothing arrived after a few minutes? Check your spam folder, or try logging in to get a new link.
acct-verify-failed-title = Link no longer works
acct-verify-failed-description = That email link was already used or has expired; ask for a new one.
acct-link-dead-heading = This link no longer works
acct-verify-failed-lead = It was already used, or it is more than 48 hours old: confirmation links work once. If your address is confirmed, just log in; if not, logging in sends you a new link.

## Log in and reset

acct-login-description = Log in to Chipin to manage your pledges, tips and billing.
acct-login-verified = Your email address is confirmed. You can log in now.
acct-login-reset = Your password was changed. Log in with the new one.
acct-forgot-link = Forgot your password?
acct-login-new-here = New here?
acct-login-create-account = Create an account
acct-forgot-title = Forgot your password
acct-forgot-description = Get a link to reset your Chipin password by email.
acct-forgot-heading = Reset your password
acct-forgot-lead = Enter your email address and we will send you a link to choose a new password.
acct-forgot-submit = Send reset link
acct-reset-sent-lead = If an account uses that address, a reset link is on its way. It works once, for one hour.
acct-reset-title = Choose a new password
acct-reset-description = Choose a new password for your Chipin account.
acct-reset-checking = Checking your link…
acct-reset-submit = Set new password
acct-reset-dead-lead = It was already used, or it is more than an hour old: reset links work once, for one hour.
acct-reset-new-link = Send a new link

## Two-factor sign-in

acct-2fa-title = Two-factor sign-in
acct-code-label = Code
acct-code-help = The 6-digit code your authenticator app shows now.
acct-code-help-recovery = The 6-digit code your authenticator app shows now, or one of your recovery codes.
acct-2fa-login-description = Enter the code from your authenticator app to finish logging in.
acct-2fa-login-heading = Enter your code
acct-2fa-login-lead = Your password was right. Open your authenticator app and enter the code it shows for Chipin.
acct-2fa-lost-device = Lost your device? Enter one of your recovery codes instead.
acct-2fa-no-codes = No codes left?
acct-2fa-start-again = Start again
acct-2fa-or-ask-operator = or ask the site's operator.
acct-2fa-settings-description = Protect your Chipin account with codes from an authenticator app.
acct-2fa-is-on = Two-factor sign-in is on.
acct-2fa-is-off = Two-factor sign-in is off.
acct-2fa-on-explain = Logging in asks for a code from your authenticator app after your password, and so do changes to your password and payout settings.
acct-2fa-codes-left = Recovery codes left: { $count } of 10.
acct-2fa-turn-off-heading = Turn it off
acct-2fa-owners-need = Page owners need two-factor sign-in to connect payouts and record expenses.
acct-2fa-turn-off-submit = Turn off two-factor sign-in
acct-2fa-scan = Scan this QR code with an authenticator app (for example Aegis, 2FAS, Google Authenticator or 1Password).
acct-2fa-qr-alt = QR code to add Chipin to your authenticator app
acct-2fa-cant-scan = Can't scan it? Type this key into the app instead (time-based, 6 digits):
acct-2fa-enter-code = Enter the code the app now shows for Chipin.
acct-2fa-code-from-app = Code from the app
acct-2fa-turn-on-submit = Turn on two-factor sign-in
acct-2fa-off-lead = Keep your account safe even if someone learns your password: after your password, Chipin asks for a code from an app on your phone.
acct-2fa-optional = It is optional for supporters, and needed by page owners before they connect payouts or record expenses.
acct-2fa-set-up = Set up two-factor sign-in
acct-2fa-manage = Manage two-factor sign-in
acct-2fa-status-on = On: logging in asks for a code from your authenticator app.
acct-2fa-status-off = Off. Turn it on to protect your account with a code from your phone; page owners need it to connect payouts and record expenses.
acct-recovery-title = Recovery codes
acct-recovery-description = Your Chipin recovery codes.
acct-recovery-heading = Save your recovery codes
acct-recovery-lead = If you lose your phone, each of these codes logs you in once instead of a code from the app. Print them or keep them in a password manager: this is the only time they are shown.
acct-recovery-saved = I have saved them
acct-recovery-once = Recovery codes are shown only once, right after two-factor sign-in is turned on.
acct-confirm-title = Confirm it is you
acct-confirm-description = Enter a code from your authenticator app to continue.
acct-confirm-lead = Payout settings and your password are protected: enter the code from your authenticator app to continue. You will not be asked again for ten minutes.

## The account page

acct-title = Your account
acct-description = Your Chipin account.
acct-password-changed = Your password was changed. Other devices were logged out.
acct-name = Name
acct-change-password = Change password
acct-language-heading = Language
acct-language-label = Language for pages and emails
acct-language-help = Chipin shows its pages and writes its emails to you in this language.
acct-language-save = Save language
acct-step-done = Done:
acct-step-to-do = To do:
acct-first-heading = Start giving in three steps
acct-first-card-saved = A card is saved.
acct-first-card-change = Change it
acct-first-card-add = Add a card
acct-first-card-add-why = nothing is charged until your billing day, and then once for everything you give that month.
acct-first-day-set = You are charged once a month, on day { $day }.
acct-first-day-change = Choose another day
acct-first-day-choose = Choose your billing day
acct-first-day-why = the one day a month your gifts are charged together.
acct-first-gifts-some = You support someone.
acct-first-gifts-see = See your pledges
acct-first-gifts-find = Find someone to support
acct-first-gifts-why = a monthly pledge, or a tip from one cent.
acct-first-page-ask = Make things or run a cause?
acct-first-page-start = Start a page
acct-first-page-why = and let fans chip in.

## API tokens

acct-tokens-heading = API tokens
acct-tokens-intro-before = A personal access token lets your own programs read your pages through{" "}
acct-tokens-intro-link = Chipin's API
acct-tokens-intro-after = : supporters (as they chose to be shown), pledges, donations and their payouts, expenses. Tokens can only read, and only your pages. Keep a token secret like a password.
acct-token-revoked = The token was revoked. Programs using it are refused from now on.
acct-tokens-none = You have no tokens.
acct-token-name-label = New token's name
acct-token-name-placeholder = e.g. Newsletter sync
acct-token-create = Create token
acct-token-never-used = never used
acct-token-last-used = last used { $when }
acct-token-created = created { $when }
acct-token-revoked-at = Revoked { $when }
acct-token-revoke = Revoke
acct-new-token-title = Your new API token
acct-new-token-description = Your new Chipin API token.
acct-new-token-created = The token “{ $name }” was created.
acct-new-token-lead = Copy it now and keep it somewhere safe: this is the only time it is shown. Chipin keeps only a fingerprint of it.
acct-new-token-send-before = Send it in the{" "}
acct-new-token-send-after = {" "}header:{" "}
acct-new-token-saved = I have saved it
acct-new-token-gone = A token is shown only once, right after it is created, and only in the browser that created it. If you lost it, revoke it and create another.
acct-your-tokens = Your tokens
acct-token-name-missing = Name the token after what will use it, e.g. "Newsletter sync".
acct-token-name-too-long = Keep the name to 60 characters, on one line.
acct-token-too-many = You have { $count } tokens; revoke one you no longer use first.

## Your data and deleting the account

acct-data-heading = Your data
acct-data-lead = Download everything Chipin holds about you: your account, pledges, tips, charges, donations and where they went, and for your pages their tiers, posts, expenses and payouts. One zip with a JSON file and the CSV reports.
acct-data-download = Download your data
acct-delete-link = Delete your account…
acct-delete-title = Delete your account
acct-delete-description = Delete your Chipin account.
acct-delete-intro-before = Deleting your account cannot be undone. You may want to{" "}
acct-delete-intro-link = download your data
acct-delete-intro-after = {" "}first.
acct-delete-what-happens = What happens
acct-delete-pledges-end = Your pledges end and nothing more is charged. Tips and pledge months not yet charged are dropped.
acct-delete-erased = Your email, name, password, saved card, tip messages and sessions are erased. You are logged out everywhere.
acct-delete-money-stays = Money already given stays on record, under an anonymous name, so every page's accounts and every donor's trail still add up. Your name no longer appears anywhere.
acct-delete-pages-close = Pages you own close: their pledges end, they leave explore and take no new gifts; their texts and posts are removed. A page that still holds money must be paid out first.
# The word itself ("delete") is typed as it is in every language.
acct-delete-type-before = Type{" "}
acct-delete-type-after = {" "}to confirm
acct-delete-submit = Delete my account
acct-delete-keep = Keep my account
acct-deleted-title = Account deleted
acct-deleted-description = Your Chipin account was deleted.
acct-deleted-heading = Your account was deleted
acct-deleted-lead = Your personal data is erased and your pledges have ended. Thank you for the support you gave.
acct-delete-confirm-word = Type the word delete to confirm.
acct-delete-charge-in-flight = A charge of yours is being made or waits for your bank's confirmation. Finish or cancel it on your billing page (or wait a few minutes), then delete your account.
acct-delete-first-month-owed = You read supporter-only posts of “{ $page_name }”, so its first month is owed and is charged on your next billing day. You can delete your account once it is paid.
acct-delete-page-holds-money = Your page “{ $page_name }” still holds money that has not arrived in your bank. Once its payouts have arrived, you can delete your account.
acct-delete-page-being-charged = Donations to your page “{ $page_name }” are being charged right now (a declined card can take a few days of retries). Try again once they are settled.

## Errors

acct-wrong-credentials = Email or password is incorrect.
acct-email-not-verified-sent = Please confirm your email address first. We have sent you a new link.
acct-email-not-verified = Please confirm your email address first, with the link we emailed you. A new one can be sent a few minutes after the last.
acct-invalid-link = This link is invalid or has expired. Please ask for a new one.
acct-throttled = Too many failed attempts. Try again in { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}.
acct-too-many-emails = Too many emails were requested for this address or from your network. Nothing was sent; try again in { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}.
acct-email-missing = Enter your email address.
acct-email-too-long = That email address is too long.
acct-email-has-spaces = An email address cannot contain spaces or control characters.
acct-email-malformed = Enter an email address like name@example.com.
acct-name-missing = Enter the name people will see.
acct-name-too-long = Keep your name to 60 characters or fewer.
acct-name-has-controls = Your name cannot contain control characters.
acct-password-missing = Enter your password.
acct-password-too-short = Use at least 8 characters for your password.
acct-password-too-long = Use at most 128 characters for your password.
acct-password-has-controls = Your password cannot contain control characters.
acct-password-too-guessable = That password is too common or easy to guess. Try a few unrelated words together.
acct-password-unchanged = Choose a password different from your current one.
acct-password-incorrect = Your current password is incorrect.
acct-two-factor-already-on = Two-factor sign-in is already on.
acct-two-factor-unreadable = Two-factor sign-in cannot be checked right now. Use a recovery code, or ask the site's operator.
acct-qr-code-failed = The QR code could not be drawn; type the key instead.
acct-code-missing = Enter the code from your authenticator app, or a recovery code.
acct-code-wrong = That code is not right, or was already used. Enter the newest code from your app.
acct-set-up-expired = Start again: this set-up has expired or is already finished.
acct-sign-in-expired = Your sign-in has expired. Log in again with your password.
