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
give-item-pledge-period = 정기 후원, { $period }
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
