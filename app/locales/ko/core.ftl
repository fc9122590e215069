# 모든 페이지 둘레: 머리글, 바닥글, 언어 전환, 어느 페이지에서나 보일 수 있는 오류.

skip-to-content = 본문으로 건너뛰기
nav-main = 주 메뉴
nav-explore = 둘러보기
nav-studio = 스튜디오
nav-billing = 결제
nav-log-out = 로그아웃
nav-menu = 메뉴
nav-log-in = 로그인
nav-sign-up = 가입하기
footer-about = Chipin은 한 달 동안 후원한 모든 금액을 카드 결제 한 번으로 묶어, 작은 팁이 수수료로 사라지지 않게 합니다. 오픈 소스이며 직접 설치해 운영할 수 있습니다.
language-switch = 언어
language-unknown = Chipin은 아직 그 언어로 번역되지 않았습니다.

not-found-title = 페이지를 찾을 수 없습니다
not-found-description = Chipin의 이 주소에는 아무것도 없습니다.
not-found-lead = 이 주소에는 아무것도 없습니다. 옮겨졌거나 링크가 잘못 입력되었을 수 있습니다.
not-found-explore = 창작자와 모금 둘러보기
error-title = 문제가 생겼습니다
error-back = Chipin으로 돌아가기

error-unauthenticated = 계속하려면 로그인해 주세요.
error-forbidden = 그 작업을 할 권한이 없습니다.
error-not-found = 찾을 수 없습니다.
error-internal = 저희 쪽에서 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.
error-form-incomplete = 양식이 완전하지 않습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.
error-unreachable = Chipin에 연결할 수 없습니다. 인터넷 연결을 확인하고 다시 시도해 주세요.
error-refused-title = 요청을 처리하지 않았습니다
error-refused-body = 이 양식은 만료되었거나 다른 사이트에서 보내졌습니다. 이전 페이지로 돌아가 새로 고친 뒤 다시 시도해 주세요.
error-form-too-large = 양식의 내용이 너무 큽니다.
error-unavailable = 지금은 Chipin을 이용할 수 없습니다. 잠시 후 다시 시도해 주세요.

# 사람이 입력하는 금액 (금액을 받는 모든 양식).
money-empty = 금액을 입력해 주세요.
money-malformed = 5 또는 5.50처럼 금액을 입력해 주세요.
money-not-positive = 금액은 0보다 커야 합니다.
money-too-precise = { $currency } 금액은 소수점 아래 { $places }자리까지만 쓸 수 있습니다.
money-too-precise-none = { $currency } 금액에는 소수점이 없습니다.
money-too-large = 금액은 최대 { $max }까지입니다.
money-wrong-currency = 그 통화 기호는 { $currency }와 맞지 않습니다.
money-currency-mismatch = 서로 다른 통화의 금액은 합칠 수 없습니다.
money-overflow = 계산하기에 너무 큰 금액입니다.
money-unknown-currency = Chipin은 그 통화를 지원하지 않습니다.
money-ambiguous = { $low }인가요, { $high }인가요? { $low_typed } 또는 { $high_typed }처럼 입력해 주세요.

# 2단계 인증을 먼저 켜야 하는 작업.
two-factor-needed = { $what } 전에 2단계 인증을 켜 주세요 (내 계정 → 2단계 인증).
two-factor-for-recording-expenses = 지출을 기록하기
two-factor-for-correcting-expenses = 지출을 정정하기
two-factor-for-connecting-payouts = 지급을 연결하기
