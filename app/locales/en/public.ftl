# The public pages: the front page and its explorer, a creator's or cause's page (everything
# but the giving forms), its posts, and the view pieces they share.

pub-loading = Loading…
pub-create-account = Create an account
pub-kind-creator = Creator
pub-kind-cause = Cause
pub-supporters = { $count ->
    [one] 1 supporter
   *[other] { $count } supporters
}

## The front page

pub-home-title = Support creators and causes, one charge a month
pub-home-description = Tips and monthly pledges to creators and causes, combined into one charge, with every cent traced.
pub-home-heading = Chip in for the people and causes you love
pub-home-lead = Tip a dollar or pledge monthly. Chipin combines everything you give into one charge a month, so card fees don't eat small gifts, and shows you where every cent went.
pub-home-find = Find someone to support
pub-fee-saving = A { $gift } tip charged alone loses { $alone } to the card fee ({ $rule }). In Chipin, { $count } gifts of { $gift }          share one charge and one fee of { $combined }: about { $share } each instead of { $alone }, { $saved } saved on { $total }.
pub-featured = Featured
pub-featured-lead = The creators and causes with the most supporters right now.
pub-found-none = Nothing matches
pub-found = { $count ->
    [one] 1 creator or cause
   *[other] { $count } creators and causes
}
pub-no-match = No creators or causes match.
pub-show-everyone = Show everyone
pub-explore-title = Creators and causes
pub-filter-label = Find creators and causes
pub-filter-search = Search by name
pub-filter-category = Category
pub-filter-all-categories = All categories
pub-filter-kind = Kind
pub-filter-all-kinds = All kinds
pub-filter-creators = Creators
pub-filter-causes = Causes
pub-filter-sort = Sort by
pub-filter-most-supporters = Most supporters
pub-filter-newest = Newest
pub-filter-search-button = Search
pub-pager = Pages
pub-pager-previous = ← Previous
pub-pager-next = Next →
pub-pager-at = Page { $at } of { $pages }
pub-card-from = from { $amount } a month

## A creator's or cause's page

pub-closed-title = This page has closed
pub-closed-lead = Its owner closed it. It takes no new pledges or tips; what was given stays on record below.
pub-yours-title = This is your page
pub-yours-lead = Supporters pledge and tip here. You cannot support your own page.
pub-support-name = Support { $name }
pub-support-on-chipin = Support { $name } on Chipin.
pub-log-in-lead = Log in to pledge monthly or send a one-off tip. Everything you give is combined into one charge a month.
pub-log-in-to-give = Log in to give
pub-about = About
pub-goal-raised = target raised, after card fees
pub-goal-pledged = monthly goal pledged
pub-picture-of = Picture of { $name }
pub-organized-by = Organized by { $name }
pub-ends = Ends { $day }
pub-tiers = Tiers
pub-per-month = month
pub-tier-full = Full: all { $limit } places taken
pub-tier-places-left = { $left } of { $limit } places left
pub-tier-choose = Choose { $name }
pub-anonymous = Anonymous
pub-recent-supporters = Recent supporters
pub-supporter-since = since { $day }
pub-tip-messages = Messages from tippers
pub-tipped = tipped { $amount } on { $day }

## A cause's public ledger

pub-ledger = Public ledger
pub-money-in = Money in
pub-money-out = Money out
pub-ledger-empty = No donations have been collected yet.
pub-ledger-tip = Tip
pub-ledger-pledge = Monthly pledge
pub-ledger-more = The newest { $shown } of { $count } donations are listed; the totals count all of them.
pub-ledger-total = Total ({ $count } donations)
pub-col-date = Date
pub-col-from = From
pub-col-given = Given
pub-col-fees = Fees
pub-col-received = Received
pub-col-expense = Expense
pub-col-donations = Donations
pub-col-receipt = Receipt
pub-col-amount = Amount
pub-spent = Spent
pub-unspent = Unspent
pub-money-out-desc = Of { $given } given, { $fees } went to fees, { $spent } has been spent on published expenses and { $unspent } is unspent.
pub-where-money-went = Where the money went
pub-no-expenses = No expenses have been published yet. Each expense will be listed here with its receipt.
pub-budget-line = Budget line: { $name }
pub-corrected = Corrected: { $reason }
pub-receipt = Receipt
pub-no-receipt = No receipt published
pub-budget-lines = Budget lines
pub-budget-lines-lead = Donors may earmark their gift to a budget line; that money is spent only on expenses in its line.
pub-line = Line
pub-line-earmarked = Earmarked (after fees)
pub-line-spent = Spent from it
pub-line-retired = Retired
pub-line-expenses = Expenses in this line: { $amount }

## View pieces: goal progress, charts, the confirmation page

pub-goal-of = { $amount } of { $goal } { $label }
pub-goal-of-rest = of { $goal } { $label }
pub-chart-month = Month
pub-confirm-title = Are you sure?
pub-confirm-description = Confirm a change on Chipin.
pub-confirm-failed = That did not work
pub-confirm-go-back = Go back
pub-confirm-yes-default = Yes
pub-confirm-yes = Yes, { $label }
pub-confirm-no = No, go back
pub-confirm-nothing = Nothing to confirm
pub-confirm-nothing-lead = This question was already answered, or it is more than two minutes old. Nothing was changed.

## Posts on a page

pub-posts = Posts
pub-post-for-tiers = For supporters of { $tiers }
# Between tier names: "Gold or Silver".
pub-post-tiers-or = {" "}or{" "}
pub-post-supporters-only = Supporters only
pub-post-needs-card = Your pledge unlocks this post once a payment method is saved.
pub-post-save-card = Save a card
pub-post-first-month-owed = once you have read a supporter-only post, your first month is owed even if you cancel.
pub-post-teaser = { $audience }. Pledge at one of these tiers, or a higher one, to read it.

## Categories

pub-category-art = Art
pub-category-music = Music
pub-category-writing = Writing
pub-category-video = Video
pub-category-podcasts = Podcasts
pub-category-games = Games
pub-category-software = Software
pub-category-education = Education
pub-category-science = Science
pub-category-community = Community
pub-category-environment = Environment
pub-category-health = Health
pub-category-other = Other
