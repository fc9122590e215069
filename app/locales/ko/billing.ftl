# 후원자의 결제 페이지(다가오는 결제, 정기 후원, 지난 결제, 결제 수단, 결제일)와 은행이 확인을
# 요청한 결제를 승인하는 페이지.

bill-title = 결제
bill-description = Chipin에서의 정기 후원, 팁, 결제를 모든 수수료와 함께 보여 드립니다.
bill-lead = 보내는 모든 후원은 결제일에 통화별로 한 번의 결제로 묶입니다.
bill-statement-link = 연간 명세서와 CSV 내려받기
bill-back-arrow = ← 결제
bill-back-to-billing = 결제 페이지로 돌아가기
bill-test-mode = 테스트 모드

## 양식을 보낸 뒤의 알림

bill-added-pledge-on = 감사합니다! { $recipient }에 매달 { $amount }씩 보내는 정기 후원이 설정되었습니다. 첫 달 후원금은 { $day }에 다음 { $currency } 결제와 함께 결제됩니다.
bill-added-pledge-next = 감사합니다! { $recipient }에 매달 { $amount }씩 보내는 정기 후원이 설정되었습니다. 첫 달 후원금은 다음 결제와 함께 결제됩니다.
bill-added-tip-on = 감사합니다! { $recipient }에 보낸 { $amount } 팁은 { $day }에 다음 { $currency } 결제와 함께 결제됩니다.
bill-added-tip-next = 감사합니다! { $recipient }에 보낸 { $amount } 팁은 다음 결제와 함께 결제됩니다.
bill-done-changed = 정기 후원 금액이 바뀌었습니다. 새 금액은 다음 결제부터 적용됩니다.
bill-done-paused = 정기 후원을 일시 중지했습니다. 다시 시작할 때까지 결제되지 않습니다.
bill-done-resumed = 정기 후원이 다시 시작되었습니다.
bill-done-cancelled = 정기 후원을 취소했습니다. 이미 결제된 달의 후원금은 받는 곳에 그대로 남습니다.
bill-done-tip-changed = 팁이 바뀌었습니다. 다음 결제에서 새 금액이 결제됩니다.
bill-done-tip-removed = 팁을 삭제했습니다. 결제되지 않습니다.
bill-saved-payment-method = 결제 수단을 저장했습니다.
bill-saved-billing-day = 결제일을 저장했습니다.
bill-card-cancelled = 바뀐 것이 없습니다. 카드를 저장하기 전에 Stripe 페이지를 떠났습니다.
bill-card-not-saved = 카드가 저장되지 않았습니다. 이 계정으로 Stripe 페이지를 끝까지 진행하지 않았습니다. 다시 시도해 주세요.
bill-card-unreachable = Stripe에 연결할 수 없어 새 카드를 확인하지 못했습니다. 1분 뒤에 다시 시도해 주세요.
bill-card-unverified = 카드가 저장되지 않았습니다. 먼저 보내 드린 링크로 이메일 주소를 확인해 주세요.
bill-card-too-many-cards = 카드가 저장되지 않았습니다. 오늘 이 계정이나 네트워크에서 저장한 카드가 너무 많습니다. 내일 다시 시도해 주세요.
bill-card-too-many-failures = 카드가 저장되지 않았습니다. 오늘 실패한 결제가 너무 많습니다. 내일 다시 시도해 주세요.
bill-needs-method = 다음 결제 전에 결제 수단을 추가하세요.
bill-choose-below = 아래에서 고르기

## 실패했거나 은행 확인을 기다리는 결제

bill-attention-confirm = 은행이 { $date }의 { $amount } 결제를 확인해 달라고 요청했습니다. 결제를 마치려면 승인하세요.
bill-attention-failed = { $date }의 { $amount } 결제가 실패했습니다.
bill-retry-on = { $date }에 다시 시도합니다.
bill-last-attempt = 마지막 시도였습니다. 이 결제의 후원은 무효가 되었고 정기 후원은 일시 중지되었습니다.
bill-confirm-the-payment = 결제 승인하기
bill-update-method = 결제 수단 바꾸기
bill-decline-card-declined = 카드가 거절되었습니다.
bill-decline-insufficient-funds = 카드 잔액이 부족합니다.
bill-decline-expired-card = 카드가 만료되었습니다.
bill-decline-no-payment-method = 저장된 결제 수단이 없습니다.
bill-decline-authentication-failed = 은행이 결제를 확인하지 못했습니다.
bill-decline-method-unusable = 저장된 결제 수단을 더 이상 쓸 수 없습니다({ $code }).
bill-decline-other = 결제가 거절되었습니다({ $code }).

## 다가오는 결제

bill-upcoming-heading = 다가오는 결제
bill-tip-not-changed = 팁이 바뀌지 않았습니다.
bill-upcoming-empty = 아직 결제할 것이 없습니다. 정기 후원과 팁은 결제일에 함께 결제됩니다.
bill-upcoming-title = { $date } { $currency } 결제
bill-upcoming-caption = { $title } 항목
bill-col-donation = 후원
bill-col-amount = 금액
bill-carried-forward = 다음 결제로 이월
bill-you-pay = 결제 금액
bill-estimated-fee = 예상 카드 수수료(총액에 포함)
bill-fee-inside = 정확히 총액만 결제합니다. 카드 수수료는 더해지지 않고 이 금액들에서 빠지며, 각 후원이 금액에 비례해 나누어 부담하고 받는 곳은 나머지를 받습니다.
bill-will-carry = 최소 결제 금액 { $minimum }보다 적어서, 더 후원하지 않으면 다음 결제로 이월됩니다.
bill-tip-manage = 변경 또는 삭제
bill-tip-manage-which = { $recipient }에 보낸 이 팁
bill-tip-amount = 팁 금액({ $currency })
bill-yes-give = 네, 후원합니다
bill-tip-message = 메시지(선택)
bill-change-tip = 팁 변경
bill-remove-tip-question = { $recipient }에 보낸 { $amount } 팁을 삭제할까요? 결제되지 않습니다.
bill-remove = 삭제
bill-remove-tip-aria = { $recipient }에 보낸 { $amount } 팁 삭제

## 정기 후원

bill-pledges-heading = 내 정기 후원
bill-pledge-not-changed = 정기 후원이 바뀌지 않았습니다.
bill-pledges-none = 아직 정기 후원이 없습니다.
bill-find-someone = 창작자나 모금 찾기
bill-pledges-caption = 내 정기 후원
bill-col-recipient = 받는 곳
bill-col-monthly = 월 금액
bill-col-status = 상태
bill-col-manage = 관리
bill-per-month = / 월
bill-pledge-since = { $date }부터
bill-pledge-active = 진행 중
bill-pledge-past-due = 연체
bill-pledge-paused = 일시 중지
bill-pledge-cancelled = 취소됨
bill-new-amount-label = { $recipient } 정기 후원의 새 월 금액
bill-change-amount = 금액 변경
bill-change-amount-aria = { $recipient } 정기 후원 금액 변경
bill-yes-pledge = 네, 정기 후원합니다
bill-pause = 일시 중지
bill-pause-aria = { $recipient } 정기 후원 일시 중지
bill-resume = 다시 시작
bill-resume-aria = { $recipient } 정기 후원 다시 시작
bill-pledge-owed = 이 정기 후원으로 후원자 전용 게시물을 읽었으므로, 지금 일시 중지하거나 금액을 낮추거나 취소해도 첫 달 후원금({ $amount })은 결제일에 결제됩니다.
bill-cancel-question = { $recipient }에 매달 { $amount }씩 보내는 정기 후원을 취소할까요? 더 이상 결제되지 않으며, 이미 결제된 달의 후원금은 받는 곳에 남습니다.
bill-cancel = 취소
bill-cancel-aria = { $recipient } 정기 후원 취소

## 지난 결제

bill-past-heading = 지난 결제
bill-past-none = 아직 결제가 없습니다.
bill-charge-heading = { $date } · { $currency } 결제
bill-charge-carried = 최소 결제 금액보다 적어서 결제하지 않았습니다. 이 후원들은 다음 결제로 이월되었습니다.
bill-next-attempt = 다음 시도: { $date }.
bill-charge-waiting = 은행에서 결제를 승인해 주시기를 기다리고 있습니다.
bill-charge-processing = 은행이 아직 이 결제를 처리하고 있습니다.
bill-charge-pending = 곧 카드 결제 대행사로 보냅니다.
bill-charge-fee = 카드 수수료 { $fee }, 각 후원이 금액에 비례해 나누어 부담합니다.
bill-cycle = 주기 { $cycle }
bill-attempt = { $attempt }번째 시도
bill-charge-status-pending = 대기 중
bill-charge-status-processing = 처리 중
bill-charge-status-succeeded = 성공
bill-charge-status-failed = 실패
bill-charge-status-requires-action = 승인 필요
bill-charge-moved = 이 결제의 후원은 다음 시도로 옮겨졌습니다.
bill-charge-caption = { $date } { $currency } 결제의 후원
bill-col-gross = 총액
bill-col-fee-share = 수수료 분담
bill-col-platform-fee = 플랫폼 수수료
bill-col-platform = 플랫폼
bill-col-net-to-recipient = 받는 곳 실수령액
bill-col-net = 실수령
bill-donation-pending = 대기 중
bill-donation-charging = 결제 중
bill-donation-paid = 결제 완료
bill-donation-voided = 무효
bill-donation-refunded = 환불됨
bill-where-it-went = 후원 경로

## 결제 수단과 결제일

bill-payment-method = 결제 수단
bill-save-then-back = 카드를 저장하면 바로 팁으로 돌아갑니다.
bill-back-to-tip = 팁으로 돌아가기
bill-saved-method = 저장됨:
bill-no-method = 저장된 결제 수단이 아직 없습니다.
bill-simulated-checkout = 모의 결제: 실제 카드는 결제되지 않습니다. 테스트 카드가 어떻게 동작할지 고르세요.
bill-test-card = 테스트 카드
bill-save-method = 결제 수단 저장
bill-stripe-replace = Stripe로 카드 바꾸기
bill-stripe-add = Stripe로 카드 추가
bill-stripe-help = 카드는 Stripe의 보안 페이지에서 입력합니다. Chipin은 카드 번호를 보지 않습니다.
bill-day-heading = 결제일
bill-day-help-set = 매달 이날 그 달의 모든 후원을 결제합니다.
bill-day-help-unset = 처음 정기 후원이나 팁을 보낼 때 정해지며, 지금 고를 수도 있습니다.
bill-day-label = 매달 며칠(1~28)
bill-day-save = 결제일 저장

## 은행이 확인을 요청한 결제

bill-auth-title = 결제 승인
bill-auth-description = 은행이 인증을 요청한 결제를 승인하세요.
bill-auth-paid = 감사합니다. { $amount } 결제가 완료되었습니다. 이 결제의 모든 후원이 결제되었습니다.
bill-auth-declined = 은행이 결제를 확인하지 못해 거절되었습니다. 평소 일정대로 다시 시도하며, 결제 페이지에서 결제 수단을 바꿀 수 있습니다.
bill-auth-settled = 이미 처리된 결제입니다. 더 한 것은 없습니다.
bill-auth-waiting = 은행이 아직 결제를 확인하지 않았습니다. 결제하려면 아래에서 승인하세요.
bill-auth-unreachable = Stripe에 연결할 수 없어 결제를 확인하지 못했습니다. 승인하셨다면 Stripe가 Chipin에 알리는 대로 결제 완료로 표시됩니다. 아니라면 잠시 후 다시 시도하세요.
bill-auth-processing = 감사합니다. 은행이 결제를 확인했고 처리 중입니다. 결제가 끝나면 이메일로 영수증을 보내 드립니다.
bill-auth-status-paid = 결제가 완료되었습니다. 하실 일은 없습니다.
bill-auth-status-declined = 거절된 결제입니다. 승인할 것이 없습니다.
bill-auth-status-processing = 은행이 이 결제를 처리하고 있습니다.
bill-auth-status-not-needed = 이 결제는 승인하지 않으셔도 됩니다.
bill-auth-lead-waiting = 은행이 { $date }의 { $amount } 결제를 확인해 달라고 요청했습니다. 아래 모든 후원이 이 결제 한 번에 담겨 있습니다.
bill-auth-lead = { $date }의 { $amount } 결제.
bill-auth-challenge-heading = 은행 인증
bill-auth-simulated = 모의 은행 확인: 실제 카드는 결제되지 않습니다. 테스트 인증이 어떻게 끝날지 고르세요.
bill-auth-pass = 인증하고 결제
bill-auth-fail = 인증 실패
bill-auth-stripe-heading = 은행에서 승인하기
bill-auth-stripe-lead = Stripe가 은행 확인 창을 보안 창으로 엽니다. 응답하고 나면 이 페이지에서 결제 결과를 보여 드립니다.
bill-auth-stripe-js = JavaScript가 필요합니다. 창은 Stripe(js.stripe.com)에서 열립니다.
bill-auth-confirm-payment = 결제 승인
bill-auth-stripe-unloaded = Stripe를 불러오지 못했습니다. 인터넷 연결을 확인한 뒤 이 페이지를 새로 고쳐 주세요.
bill-auth-stripe-failed = Stripe와 통신하는 중에 문제가 생겼습니다. 다시 시도해 주세요.

## 모의 결제 대행사의 테스트 카드

bill-pm-visa = 4242로 끝나는 Visa — 항상 성공
bill-pm-declined = 카드 거절
bill-pm-insufficient-funds = 거절: 잔액 부족
bill-pm-expired-card = 거절: 만료된 카드
bill-pm-authentication-required = 인증 필요(3-D Secure)
bill-pm-saved-card = 저장된 카드

## 연간 명세서 CSV (머리글 행)

bill-csv-date = 날짜
bill-csv-recipient = 받는 곳
bill-csv-donation = 후원
bill-csv-currency = 통화
bill-csv-gross = 총액
bill-csv-fee-share = 수수료 분담
bill-csv-platform-fee = 플랫폼 수수료
bill-csv-net = 실수령
bill-csv-charge-reference = 결제 참조 번호
