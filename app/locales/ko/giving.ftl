# 후원: 정기 후원·팁 양식(페이지의 아일랜드), 수수료 미리 보기, 칩인 창, 후원 경로, 연간 명세서, 이 양식들이 보여 주는 오류.

## 후원 양식

give-your-pledge-title = 내 정기 후원
give-your-pledge = 매달 { $amount }을(를) 후원하고 있습니다 ({ $status }).
give-your-pledge-tier = { $tier } 등급으로 매달 { $amount }을(를) 후원하고 있습니다 ({ $status }).
give-your-pledge-change = 결제 페이지에서 변경, 일시 중지, 취소할 수 있습니다
give-status-active = 진행 중
give-status-past-due = 결제 연체
give-status-paused = 일시 중지
give-status-cancelled = 취소됨
give-pledge-title = 정기 후원하기
give-pledge-lead = 결제일에 다른 후원과 함께 결제됩니다. 언제든 변경, 일시 중지, 취소할 수 있습니다.
give-pledge-choose = 등급을 고르거나 금액을 직접 정하세요
give-pledge-your-amount = 매달 후원할 금액
give-custom-amount = 직접 입력
give-custom-monthly-amount = 매달 후원할 금액 직접 입력 ({ $currency })
give-custom-amount-help = 직접 입력을 고르면 이 금액이 쓰입니다. 예: 5 또는 12.50
give-custom-amount-help-whole = 직접 입력을 고르면 이 금액이 쓰입니다. 예: 5000 또는 12,000
give-yes-pledge = 네, 정기 후원합니다
give-yes-give = 네, 후원합니다
give-confirm-large-button = { $yes } ({ $amount })
give-pledge-button = 정기 후원하기
give-tip-title = 한 번 팁 보내기
give-tip-lead = 다음 결제 때 한 번만 결제됩니다.
give-tip-amount = 팁 금액 ({ $currency })
give-tip-message = 메시지 (선택)
give-tip-message-help = 500자까지 쓸 수 있습니다. 공개 팁이면 페이지에 보일 수 있습니다.
give-tip-button = 팁 보내기
give-earmark = 후원금 사용처 지정
give-earmark-anywhere = 가장 필요한 곳
give-earmark-help = 지정한 후원금은 그 예산 항목의 지출에만 쓰입니다.
give-visibility = 공개 범위
give-visibility-public = 공개: 내 이름을 보여 줍니다
give-visibility-anonymous = 익명: 후원은 세되 이름은 숨깁니다
give-visibility-private = 비공개: 공개 페이지에 나오지 않고, 페이지 주인에게도 이름을 숨깁니다
give-preview-fee = 수수료 미리 보기

## 수수료 미리 보기

give-preview-empty = 금액을 입력하면 다음 결제에서 이 후원이 부담할 카드 수수료를 보여 드립니다.
give-fee-alone = 수수료: { $amount } 중 { $fee } ({ $rule }), 후원금에서 빠집니다. 다음 결제에 이 후원 하나뿐이라 카드 수수료 전부를 부담합니다. 그 전에 다른 후원을 하면 수수료를 나눠 냅니다.
give-fee-shared = 수수료: { $amount } 중 { $fee }, 다음 결제의 카드 수수료 한 건({ $rule }) 중 이 후원의 몫입니다. 따로 결제하면 { $alone } 손해를 봅니다.
give-fee-shared-saves = 수수료: { $amount } 중 { $fee }, 다음 결제의 카드 수수료 한 건({ $rule }) 중 이 후원의 몫입니다. 따로 결제하면 { $alone } 손해를 보니, 묶어서 { $saved } 절약합니다.
give-next-charge = 다음 { $currency } 결제: { $day }
give-next-charge-caption = 이 후원이 포함된 다음 결제
give-col-donation = 후원
give-you-pay = 결제 금액
give-estimated-fee = 예상 카드 수수료, 결제 금액에 포함 ({ $rule })
give-below-minimum = 합계가 최소 결제 금액 { $minimum }보다 적어서, 다음 결제가 그 금액에 이를 때까지 기다립니다(다음 결제로 이월).
give-item-this-donation = 이번 후원
give-item-tip = 팁
give-item-pledge = 정기 후원
give-item-pledge-period = 정기 후원 ({ $period })
give-item-pledge-tier = 정기 후원 · { $tier }

## 어느 양식에나 나오는 조각

give-step-up-code = 인증 앱의 코드
give-step-up-code-help = 최근 10분 안에 코드를 입력했다면 필요 없습니다. 복구 코드도 쓸 수 있습니다.

## 페이지 주인이 보는 받은 후원

give-page-donations-empty = 아직 결제된 후원이 없습니다.
give-partly-refunded = 일부 환불: { $amount }
give-refunded = 환불: { $amount }
give-refunded-on = { $day }
give-refund-donation = 후원 #{ $id } 환불
give-refund = 환불
give-col-charged = 결제일

## 칩인 창

give-chip-in = 칩인
give-chip-in-description = 클릭 한 번으로 팁을 확인하세요. 다음 월 결제에 함께 결제됩니다.
give-chip-in-log-in-lead = 로그인하고 이 팁을 보내세요. 다음 월 결제에 함께 묶이므로 아주 작은 금액도 카드 수수료로 사라지지 않습니다.
give-chip-in-log-in = 로그인하고 칩인하기
give-chip-in-come-back = 로그인하면 바로 이곳으로 돌아와 확인할 수 있습니다.
give-chip-in-to = { $name }에게 { $amount } 칩인
give-chip-in-add-card-lead = 먼저 카드를 등록하세요. 팁은 한 달에 한 번 결제로 모아서 결제되므로, 작은 팁도 수수료가 거의 들지 않습니다.
give-chip-in-add-card = 카드 등록하기
give-chip-in-visit = { $name } 페이지 보기
give-chip-in-amount = { $amount } 칩인
give-chip-in-recipient = 받는 곳:
give-chip-in-confirm = { $amount } 팁 확인
give-chip-in-terms = 공개 팁이며 메시지는 없습니다. 몇 분 동안은 취소할 수 있고, 결제 전까지는 결제 페이지에서 뺄 수 있습니다.
give-thanks-title = 감사합니다
give-thanks-description = 팁은 다음 월 결제에 함께 결제됩니다.
give-tip-undone = 팁을 취소했습니다
give-tip-undone-lead = { $name }에게 보낸 { $amount } 팁을 뺐습니다. 이 팁은 결제되지 않습니다.
give-close-window = 이 창을 닫아도 됩니다.
give-thanks-heading = 감사합니다 — 이 창을 닫아도 됩니다
give-thanks-lead = { $name }에게 보낸 { $amount } 팁은 다음 월 결제에 함께 결제됩니다.
give-undo = 취소하기 ({ $minutes }분 동안)
give-see-next-charge = 다음 결제 보기

## 후원 하나가 간 곳

give-back-to-billing = 결제
give-trail-title = { $name }에 보낸 내 후원
give-trail-heading = 내 후원금이 간 곳
give-trail-lead = { $page }에 낸 { $what }
give-trail-lead-refunded = { $page }에 낸 { $what }. 이 후원은 환불되었습니다.
give-trail-earmark = 이 후원금은 예산 항목 { $line }에 지정했습니다. 그 항목의 지출에만 쓰입니다.
give-trail-charged = 결제
give-trail-charged-on = { $day }에 결제 { $charge }의 일부로 결제되었습니다.
give-trail-not-charged = 아직 결제되지 않았습니다. 다음 통합 결제 때 함께 결제됩니다.
give-col-gross = 총액
give-trail-card-fee = 카드 수수료 몫
give-trail-platform-fee = 플랫폼 수수료 몫
give-trail-net = 받는 분에게 간 금액
give-trail-spent-on = 쓰인 곳
give-trail-col-expense-total = 지출 총액
give-trail-col-your-part = 내 몫
give-trail-none-spent = 아직 쓰인 돈이 없습니다.
give-trail-still-unspent = 아직 쓰지 않은 금액:
give-trail-paid-organizer = 지출을 위해 주최자에게 지급된 금액
give-trail-paid-creator = 창작자에게 지급된 금액
give-trail-col-sent-on = 보낸 날
give-trail-col-reference = 참조 번호
give-trail-col-status = 상태
give-trail-stripe-transfer = Stripe 이체 { $reference }
give-trail-payout-taken-back = 회수됨: 지급 후에 후원이 환불되었습니다
give-trail-payout-arrived = 도착함
give-trail-payout-in-transit = 이체 중
give-trail-not-paid-out = 아직 지급되지 않았습니다.
give-trail-nothing-paid-out = 지급된 금액이 없습니다. 환불되었습니다.
give-trail-all-paid-out = 전액 지급되었습니다.
give-trail-all-paid-out-cause = 전액 지급되었습니다. 아직 쓰지 않은 돈은 지출에 쓰일 때까지 주최자가 보관합니다.
give-trail-refunded-after = 지급 후 환불됨: { $amount }은(는) 페이지의 다음 지급에서 차감됩니다.
give-trail-not-paid-out-yet = 아직 지급되지 않은 금액:

## 후원의 환불, 환불 요청

give-refund-line = { $day }에 { $by }이(가) { $amount } 환불: { $reason }.
give-refund-no-reason = 사유 없음
give-refund-by-owner = 페이지 주인
give-refund-by-operator = Chipin
give-refund-by-processor = 결제 대행사
give-refund-asked-open = { $day }에 환불을 요청했습니다. 페이지 주인이 아직 답하지 않았습니다.
give-refund-asked-refunded = { $day }에 환불을 요청했고, 환불되었습니다.
give-refund-asked-declined = { $day }에 환불을 요청했지만 페이지 주인이 거절했습니다: { $reason }
give-refund-ask-until = { $day }까지 페이지 주인에게 이 후원의 환불을 요청할 수 있습니다. 승인되면 이 후원에 낸 금액을 모두 돌려받습니다.
give-refund-why = 환불을 원하는 이유는 무엇인가요?
give-refund-whole-charge = 결제 전체가 실수였습니다: 같은 결제의 다른 후원 { $count }건도 환불을 요청합니다
give-refund-ask = 환불 요청하기
give-refund-sent = 요청을 보냈습니다. 페이지 주인에게 이메일이 갔으며, 답변은 이메일로 받게 됩니다.

## 연간 명세서

give-statement-title = 연간 명세서
give-statement-heading = { $year }년 명세서
give-statement-lead = 올해 결제된 모든 후원을 후원하는 창작자와 모금 전체에 걸쳐 보여 줍니다. 후원한 금액, 부담한 수수료, 받는 분에게 간 금액입니다.
give-statement-year = 연도
give-statement-show = 보기
give-statement-csv = CSV 내려받기
give-statement-empty = { $year }년에 결제된 후원이 없습니다.
give-statement-totals = 합계
give-statement-totals-caption = { $year }년 통화별 합계
give-statement-donations-caption = { $year }년에 결제된 후원
give-col-currency = 통화
give-col-platform-fee = 플랫폼 수수료
give-col-net = 순액
give-col-fee-share = 수수료 몫
give-col-recipient = 받는 곳
give-col-charge = 결제

## 정기 후원이나 팁이 거절되는 이유

give-err-visibility = 공개 범위를 골라 주세요.
give-err-tier-or-amount = 등급을 고르거나 매달 후원할 금액을 입력해 주세요.
give-err-tier-choose = 이 페이지의 등급 중 하나를 골라 주세요.
give-err-tier-retired = 더 이상 제공하지 않는 등급입니다.
give-err-tier-minimum = 이 등급은 매달 최소 { $amount }입니다.
give-err-tier-full = 이 등급은 자리가 다 찼습니다.
give-err-already-pledging = 이미 이 페이지에 정기 후원하고 있습니다. 기존 정기 후원을 변경해 주세요.
give-err-pledge-cancelled = 취소된 정기 후원입니다.
give-err-self-support = 자신의 페이지는 후원할 수 없습니다.
give-err-closed = 닫힌 페이지라 더 이상 정기 후원이나 팁을 받지 않습니다.
give-err-line-not-one = 이 모금의 예산 항목 중 하나를 고르거나, 고르지 마세요.
give-err-line-retired = 종료된 예산 항목입니다. 다른 항목을 골라 주세요.
give-err-message-long = 메시지는 { $max }자 이내로 써 주세요.
give-err-message-control = 메시지에 제어 문자를 넣을 수 없습니다.
give-err-tips-per-hour = 지난 한 시간 동안 팁을 { $count }번 보내 허용 한도에 이르렀습니다. 나중에 다시 시도해 주세요.
give-err-one-click-per-day = 지난 24시간 동안 원클릭 팁을 { $count }번 보내 버튼의 한도에 이르렀습니다. 페이지에서 직접 팁을 보내거나 내일 다시 오세요.
give-err-confirm-give = { $name }에 { $amount }을(를) 후원할까요?
give-err-confirm-pledge = { $name }에 매달 { $amount }을(를) 정기 후원할까요?
give-err-confirm-tip-change = { $name }에 보낸 팁을 { $amount }(으)로 바꿀까요?
give-err-tip-removed = 이미 뺀 팁입니다.
give-err-tip-charging = 이 팁은 이미 결제 중이라 바꾸거나 뺄 수 없습니다.
give-err-chip-in-card = 칩인하기 전에 카드를 등록해 주세요. 팁은 다음 월 결제에 함께 결제됩니다.
give-err-undo-expired = 취소 링크는 팁을 보낸 뒤 { $minutes }분 동안만 쓸 수 있습니다. 결제되기 전까지는 결제 페이지에서 뺄 수 있습니다.
give-err-button-max = 버튼 팁은 최대 { $max }까지입니다. 더 큰 후원은 페이지의 후원 양식을 이용해 주세요.
give-err-billing-day = 1일부터 28일 중에서 골라 주세요.
give-err-payment-method = 결제 수단을 골라 주세요.
give-err-card-on-stripe = 카드는 Stripe의 보안 페이지에서 저장합니다. “Stripe로 카드 등록”을 이용해 주세요.
give-err-card-unverified = 카드를 저장하기 전에 이메일 주소를 확인해 주세요. 보내 드린 링크를 누르면 됩니다.
give-err-cards-per-account = 이 계정은 오늘 카드를 너무 많이 저장했습니다. 내일 다시 시도해 주세요.
give-err-cards-per-client = 오늘 이 네트워크에서 저장된 카드가 너무 많습니다. 내일 다시 시도해 주세요.
give-err-failed-per-account = 오늘 이 계정의 결제가 너무 많이 실패했습니다. 내일 다시 시도해 주세요.
give-err-failed-per-card = 오늘 이 카드로 한 결제가 너무 많이 실패했습니다. 다른 카드를 쓰거나 내일 다시 시도해 주세요.
give-err-stripe-not-set-up = 이 사이트에는 Stripe 카드 결제가 설정되어 있지 않습니다.
give-err-stripe-unreachable = Stripe에 연결할 수 없습니다. 1분 뒤에 다시 시도해 주세요.
give-err-processor-check = 이 결제를 확인하려 했지만 Stripe에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.
give-err-confirm-with-stripe = 이 결제는 테스트 인증이 아니라 Stripe에서 확인합니다.
give-err-test-challenge = 테스트 인증을 통과시킬지 실패시킬지 골라 주세요.
give-err-pause-only-active = 진행 중인 정기 후원만 일시 중지할 수 있습니다.
give-err-resume-only-paused = 일시 중지된 정기 후원만 다시 시작할 수 있습니다.
give-err-already-cancelled = 이미 취소된 정기 후원입니다.

## 모금의 지출, 예산 항목, 지급이 거절되는 이유

## 다른 사이트에 넣는 칩인 버튼과 배지

give-embed-no-such-page = Chipin에 그런 페이지가 없습니다.
give-embed-default-label = 칩인
give-embed-tip = { $label } { $amount }
give-embed-closed = 이 페이지는 더 이상 팁을 받지 않습니다.
give-embed-goal-raised = { $amount } / { $goal } 모금
give-embed-goal-monthly = 월 { $amount } / { $goal }
give-embed-goal-percent = 목표의 { $percent }%
give-embed-tier = { $tier } · 월 { $amount }
give-embed-on-chipin = Chipin의 { $name }
give-embed-title = { $name }에 칩인
give-embed-badge-monthly = 월 { $amount }
give-embed-badge-goal = { $goal }의 { $percent }%
give-embed-badge-title = Chipin의 { $name }: { $value }
