# 이메일 (app/src/domain/mail/templates.rs): 받는 분의 언어로 보냅니다. 금액과 날짜는 이미
# 그 언어로 쓰여 들어옵니다.

mail-greeting-named = { $name }님, 안녕하세요.
mail-greeting = 안녕하세요.
mail-link-fallback = 버튼이 열리지 않으면 이 주소를 브라우저에 붙여 넣으세요: { $link }
mail-footer-supporter = Chipin에서 창작자나 모금을 후원하고 계시기 때문에 이 메일을 받으셨습니다.
mail-footer-owner = Chipin에서 페이지를 운영하고 계시기 때문에 이 메일을 받으셨습니다.

mail-verify-subject = Chipin 계정을 확인해 주세요
mail-verify-line = Chipin에 오신 것을 환영합니다! 로그인하시려면 이메일 주소를 확인해 주세요.
mail-verify-confirm = 주소 확인하기: { $link }
mail-verify-expiry = 이 링크는 48시간 동안 유효합니다.
mail-verify-button = 이메일 확인하기
mail-verify-footer = Chipin에 가입하신 적이 없다면 이 메일을 무시하세요. 아무 일도 일어나지 않습니다.

mail-exists-subject = 이미 Chipin 계정이 있습니다
mail-exists-line = 누군가(본인이시길 바랍니다) 이 이메일 주소로 Chipin 계정을 만들려고 했지만, 이 주소에는 이미 계정이 있습니다.
mail-exists-log-in = 로그인: { $link }
mail-exists-forgot = 비밀번호를 잊으셨나요? { $link }
mail-exists-forgot-html = 비밀번호를 잊으셨나요? 여기에서 재설정하세요: { $link }
mail-exists-button = 로그인
mail-exists-footer = 본인이 아니라면 이 메일을 무시하셔도 됩니다. 계정은 바뀌지 않았습니다.

mail-reset-subject = Chipin 비밀번호를 재설정하세요
mail-reset-line = Chipin 비밀번호 재설정 요청을 받았습니다.
mail-reset-choose = 새 비밀번호 정하기: { $link }
mail-reset-expiry = 이 링크는 한 시간 동안 한 번만 쓸 수 있습니다.
mail-reset-button = 새 비밀번호 정하기
mail-reset-footer = 요청하신 적이 없다면 이 메일을 무시하세요. 비밀번호는 그대로 유지됩니다.

mail-changed-subject = Chipin 비밀번호가 변경되었습니다
mail-changed-line = Chipin 계정의 비밀번호가 방금 변경되었고, 다른 모든 세션은 로그아웃되었습니다.
mail-changed-not-you = 본인이 아니신가요? 재설정하기: { $link }
mail-changed-button = 비밀번호 재설정하기
mail-changed-footer = 본인이 변경하지 않으셨다면 위 링크로 즉시 비밀번호를 재설정하세요.

mail-failed-subject = Chipin 결제({ $amount })가 처리되지 않았습니다
mail-failed-line = 이번 달 Chipin 결제({ $amount })를 받지 못했습니다. 사유: { $reason }.
mail-failed-reason-insufficient-funds = 은행에서 잔액 부족을 알려 왔습니다
mail-failed-reason-expired-card = 카드 유효기간이 지났습니다
mail-failed-reason-no-method = 계정에 결제 수단이 없습니다
mail-failed-reason-not-confirmed = 은행에서 결제를 확인하지 못했습니다
mail-failed-reason-unusable = 저장된 결제 수단을 더 이상 쓸 수 없습니다
mail-failed-reason-declined = 은행에서 결제를 거절했습니다
mail-failed-final = 여러 번 시도했지만 결제되지 않아 정기 후원을 일시 중지했고, 이번 달 후원은 이루어지지 않았습니다. 결제 수단을 업데이트하신 뒤 원하실 때 다시 시작하세요.
mail-failed-retry = 걱정하지 마세요. 며칠 뒤에 다시 시도합니다. 지금 결제 수단을 업데이트하시면 창작자와 모금에 후원이 확실히 전달됩니다.
mail-failed-update = 결제 수단 업데이트: { $link }
mail-failed-button = 결제 수단 업데이트

mail-authenticate-subject = Chipin 결제({ $amount })를 확인해 주세요
mail-authenticate-line = 은행에서 이번 달 Chipin 결제({ $amount })를 확인해 달라고 요청했습니다. 확인하실 때까지 결제는 대기합니다.
mail-authenticate-confirm = 결제 확인하기: { $link }
mail-authenticate-button = 결제 확인하기

mail-receipt-subject = Chipin 영수증: { $amount }
mail-receipt-intro = 감사합니다! 카드로 결제된 금액은 { $amount }입니다(참조 번호 { $reference }). 카드 수수료({ $fee })는 후원 금액에 비례해 각 후원이 나누어 부담했습니다.
mail-receipt-head-donation = 후원
mail-receipt-head-gross = 총액
mail-receipt-head-fee = 수수료 분담
mail-receipt-head-platform-fee = 플랫폼 수수료
mail-receipt-head-net = 실수령액
mail-receipt-line = { $recipient }({ $label }): 후원 { $gross }, 수수료 분담 { $fee }, 플랫폼 수수료 { $platform_fee }, 실수령액 { $net }. 후원 경로: { $link }
mail-receipt-pledge = 정기 후원, { $period }
mail-receipt-tip = 팁
mail-receipt-earmarked = { $kind }, 예산 항목 '{ $line }'에 지정
mail-receipt-outro = 각 링크에서 그 후원이 다음에 어디로 가는지 볼 수 있습니다. 후원금을 전달하는 지급 내역과, 모금이라면 그 돈이 쓰인 지출까지 확인하세요.

mail-refund-subject = Chipin 환불: { $amount }
mail-refund-intro = 후원하신 카드로 환불했습니다: { $amount }. 은행 내역에는 보통 영업일 기준 5~10일 안에 표시됩니다.
mail-refund-part = { $page } 후원 중 { $amount }
mail-refund-which = 환불 대상: { $list }.

mail-refund-request-subject = { $page } 환불 요청
mail-refund-request-item = 후원 #{ $item } 중 { $amount }
mail-refund-request-intro = { $page }의 후원자가 환불을 요청했습니다: { $list }.
mail-refund-request-why = 요청 사유: { $reason }
mail-refund-request-next = 스튜디오에서 승인하거나 거절하세요. 승인하면 후원 전액이 환불되고, 거절하면 후원자에게 사유가 전달됩니다.
mail-refund-request-see = 요청 보기: { $link }
mail-refund-request-button = 요청 보기

mail-refund-declined-subject = { $page } 환불 요청 결과
mail-refund-declined-intro = { $page }에서 { $amount } 후원에 대한 환불 요청을 거절했습니다.
mail-refund-declined-why = 거절 사유: { $reason }
mail-refund-declined-see = 내 후원: { $link }
mail-refund-declined-button = 내 후원 보기

mail-hooks-disabled-subject = 웹훅 전송이 중지되었습니다: { $url }
mail-hooks-disabled-before-url = Chipin이 { $page } 페이지의 웹훅을 사흘 동안 다음 주소로 전달하지 못했습니다:
mail-hooks-disabled-after-url = 그래서 이 주소로 보내는 것을 멈췄습니다. 잃은 것은 없습니다. 전송 기록은 로그에 남아 있습니다.
mail-hooks-disabled-again-text = 엔드포인트가 다시 응답하면 스튜디오에서 웹훅을 다시 켜고 실패한 전송을 다시 보내세요:
# HTML 본문: { $action }은 mail-hooks-disabled-action 문구의 링크입니다.
mail-hooks-disabled-again = 엔드포인트가 다시 응답하면 { $action }.
mail-hooks-disabled-action = 웹훅을 다시 켜고 실패한 전송을 다시 보내세요
