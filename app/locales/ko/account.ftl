# 계정 페이지: 가입, 로그인, 비밀번호 재설정, 2단계 인증, 계정 페이지(언어, API 토큰, 내 데이터),
# 계정 삭제, 그리고 이 양식들의 오류.

acct-loading = 불러오는 중…
acct-log-in = 로그인
acct-continue = 계속
acct-back-to-account = ← 내 계정

## 입력란

acct-field-your-name = 이름
acct-field-email = 이메일
acct-field-password = 비밀번호
acct-field-new-password = 새 비밀번호
acct-field-current-password = 현재 비밀번호
acct-field-your-password = 비밀번호
acct-password-help = 8~128자. 서로 관계없는 단어 몇 개를 이으면 강력한 비밀번호가 됩니다.

## 가입

acct-signup-title = 가입하기
acct-signup-description = Chipin 계정을 만들어 창작자와 모금에 팁과 정기 후원을 보내세요.
acct-signup-heading = Chipin 계정 만들기
acct-signup-lead = 창작자와 모금을 매달 한 번의 결제로 후원하세요.
acct-signup-submit = 계정 만들기
acct-signup-have-account = 이미 계정이 있나요?
acct-check-email-title = 이메일을 확인하세요
acct-check-email-description = 이메일로 보내 드린 링크를 따라 Chipin에서 계속하세요.
acct-check-email-lead = 주소를 확인하는 링크를 보냈습니다. 링크를 열면 계정 만들기가 끝납니다.
acct-check-email-nothing = 몇 분이 지나도 오지 않았나요? 스팸함을 확인하거나, 로그인을 시도해 새 링크를 받으세요.
acct-verify-failed-title = 더 이상 쓸 수 없는 링크
acct-verify-failed-description = 이미 사용했거나 만료된 이메일 링크입니다. 새 링크를 요청하세요.
acct-link-dead-heading = 이 링크는 더 이상 쓸 수 없습니다
acct-verify-failed-lead = 이미 사용했거나 48시간이 지난 링크입니다. 확인 링크는 한 번만 쓸 수 있습니다. 주소가 이미 확인되었다면 그냥 로그인하세요. 아니라면 로그인하면 새 링크를 보내 드립니다.

## 로그인과 재설정

acct-login-description = Chipin에 로그인해 정기 후원, 팁, 결제를 관리하세요.
acct-login-verified = 이메일 주소가 확인되었습니다. 이제 로그인할 수 있습니다.
acct-login-reset = 비밀번호가 바뀌었습니다. 새 비밀번호로 로그인하세요.
acct-forgot-link = 비밀번호를 잊으셨나요?
acct-login-new-here = 처음이신가요?
acct-login-create-account = 계정 만들기
acct-forgot-title = 비밀번호 찾기
acct-forgot-description = 이메일로 Chipin 비밀번호 재설정 링크를 받으세요.
acct-forgot-heading = 비밀번호 재설정
acct-forgot-lead = 이메일 주소를 입력하면 새 비밀번호를 정할 수 있는 링크를 보내 드립니다.
acct-forgot-submit = 재설정 링크 보내기
acct-reset-sent-lead = 그 주소를 쓰는 계정이 있다면 재설정 링크를 보냈습니다. 링크는 한 시간 동안 한 번만 쓸 수 있습니다.
acct-reset-title = 새 비밀번호 정하기
acct-reset-description = Chipin 계정의 새 비밀번호를 정하세요.
acct-reset-checking = 링크를 확인하는 중…
acct-reset-submit = 새 비밀번호 저장
acct-reset-dead-lead = 이미 사용했거나 한 시간이 지난 링크입니다. 재설정 링크는 한 시간 동안 한 번만 쓸 수 있습니다.
acct-reset-new-link = 새 링크 보내기

## 2단계 인증

acct-2fa-title = 2단계 인증
acct-code-label = 코드
acct-code-help = 인증 앱에 지금 표시된 6자리 코드.
acct-code-help-recovery = 인증 앱에 지금 표시된 6자리 코드, 또는 복구 코드 중 하나.
acct-2fa-login-description = 인증 앱의 코드를 입력해 로그인을 마치세요.
acct-2fa-login-heading = 코드를 입력하세요
acct-2fa-login-lead = 비밀번호가 맞습니다. 인증 앱을 열고 Chipin에 표시된 코드를 입력하세요.
acct-2fa-lost-device = 기기를 잃어버리셨나요? 대신 복구 코드 중 하나를 입력하세요.
acct-2fa-no-codes = 남은 코드가 없나요?
acct-2fa-start-again = 처음부터 다시 하거나
acct-2fa-or-ask-operator = 사이트 운영자에게 문의하세요.
acct-2fa-settings-description = 인증 앱의 코드로 Chipin 계정을 보호하세요.
acct-2fa-is-on = 2단계 인증이 켜져 있습니다.
acct-2fa-is-off = 2단계 인증이 꺼져 있습니다.
acct-2fa-on-explain = 로그인할 때 비밀번호 다음에 인증 앱의 코드를 묻고, 비밀번호나 지급 설정을 바꿀 때도 묻습니다.
acct-2fa-codes-left = 남은 복구 코드: 10개 중 { $count }개
acct-2fa-turn-off-heading = 끄기
acct-2fa-owners-need = 페이지 운영자는 지급을 연결하고 지출을 기록하려면 2단계 인증이 필요합니다.
acct-2fa-turn-off-submit = 2단계 인증 끄기
acct-2fa-scan = 인증 앱(예: Aegis, 2FAS, Google Authenticator, 1Password)으로 이 QR 코드를 스캔하세요.
acct-2fa-qr-alt = 인증 앱에 Chipin을 추가하는 QR 코드
acct-2fa-cant-scan = 스캔할 수 없나요? 대신 이 키를 앱에 입력하세요(시간 기반, 6자리):
acct-2fa-enter-code = 앱에 지금 Chipin으로 표시된 코드를 입력하세요.
acct-2fa-code-from-app = 앱의 코드
acct-2fa-turn-on-submit = 2단계 인증 켜기
acct-2fa-off-lead = 누군가 비밀번호를 알아내더라도 계정을 안전하게 지키세요. 비밀번호 다음에 Chipin이 휴대폰 앱의 코드를 묻습니다.
acct-2fa-optional = 후원자에게는 선택 사항이며, 페이지 운영자는 지급을 연결하거나 지출을 기록하기 전에 켜야 합니다.
acct-2fa-set-up = 2단계 인증 설정
acct-2fa-manage = 2단계 인증 관리
acct-2fa-status-on = 켜짐: 로그인할 때 인증 앱의 코드를 묻습니다.
acct-2fa-status-off = 꺼짐. 켜면 휴대폰의 코드로 계정을 보호합니다. 페이지 운영자는 지급을 연결하고 지출을 기록하려면 켜야 합니다.
acct-recovery-title = 복구 코드
acct-recovery-description = Chipin 복구 코드.
acct-recovery-heading = 복구 코드를 저장하세요
acct-recovery-lead = 휴대폰을 잃어버리면 이 코드 하나로 앱의 코드 대신 한 번 로그인할 수 있습니다. 인쇄하거나 비밀번호 관리자에 보관하세요. 코드는 지금 한 번만 보여 드립니다.
acct-recovery-saved = 저장했습니다
acct-recovery-once = 복구 코드는 2단계 인증을 켠 직후 한 번만 보여 드립니다.
acct-confirm-title = 본인 확인
acct-confirm-description = 계속하려면 인증 앱의 코드를 입력하세요.
acct-confirm-lead = 지급 설정과 비밀번호는 보호되어 있습니다. 계속하려면 인증 앱의 코드를 입력하세요. 10분 동안은 다시 묻지 않습니다.

## 계정 페이지

acct-title = 내 계정
acct-description = Chipin 계정.
acct-password-changed = 비밀번호가 바뀌었습니다. 다른 기기에서는 로그아웃되었습니다.
acct-name = 이름
acct-change-password = 비밀번호 변경
acct-language-heading = 언어
acct-language-label = 페이지와 이메일 언어
acct-language-help = Chipin이 이 언어로 페이지를 보여 주고 이메일을 보냅니다.
acct-language-save = 언어 저장
acct-step-done = 완료:
acct-step-to-do = 할 일:
acct-first-heading = 세 단계로 후원 시작하기
acct-first-card-saved = 카드가 저장되어 있습니다.
acct-first-card-change = 변경
acct-first-card-add = 카드 추가
acct-first-card-add-why = 결제일 전까지는 아무것도 결제되지 않고, 그날 그 달의 후원을 한 번에 결제합니다.
acct-first-day-set = 매달 { $day }일에 한 번 결제됩니다.
acct-first-day-change = 다른 날 고르기
acct-first-day-choose = 결제일 고르기
acct-first-day-why = 한 달 동안의 후원을 함께 결제하는 날입니다.
acct-first-gifts-some = 후원하고 있습니다.
acct-first-gifts-see = 정기 후원 보기
acct-first-gifts-find = 후원할 곳 찾기
acct-first-gifts-why = 매달 정기 후원, 또는 소액 팁.
acct-first-page-ask = 무언가를 만들거나 모금을 운영하나요?
acct-first-page-start = 페이지를 만들어
acct-first-page-why = 팬들의 후원을 받아 보세요.

## API 토큰

acct-tokens-heading = API 토큰
acct-tokens-intro-before = 개인 액세스 토큰이 있으면 내 프로그램이{" "}
acct-tokens-intro-link = Chipin API
acct-tokens-intro-after = 로 내 페이지를 읽을 수 있습니다: 후원자(공개를 선택한 방식대로), 정기 후원, 후원과 그 지급, 지출. 토큰은 읽기만 할 수 있고 내 페이지만 읽습니다. 토큰은 비밀번호처럼 비밀로 지키세요.
acct-token-revoked = 토큰이 폐기되었습니다. 이제 이 토큰을 쓰는 프로그램은 거부됩니다.
acct-tokens-none = 토큰이 없습니다.
acct-token-name-label = 새 토큰 이름
acct-token-name-placeholder = 예: 뉴스레터 동기화
acct-token-create = 토큰 만들기
acct-token-never-used = 사용한 적 없음
acct-token-last-used = 마지막 사용 { $when }
acct-token-created = 만든 때 { $when }
acct-token-revoked-at = 폐기됨 { $when }
acct-token-revoke = 폐기
acct-new-token-title = 새 API 토큰
acct-new-token-description = 새 Chipin API 토큰.
acct-new-token-created = 토큰 “{ $name }”을(를) 만들었습니다.
acct-new-token-lead = 지금 복사해 안전한 곳에 보관하세요. 토큰은 지금 한 번만 보여 드립니다. Chipin은 토큰의 지문만 보관합니다.
acct-new-token-send-before = 토큰은{" "}
acct-new-token-send-after = {" "}헤더에 넣어 보내세요:{" "}
acct-new-token-saved = 저장했습니다
acct-new-token-gone = 토큰은 만든 직후 한 번만, 만든 브라우저에서만 보여 드립니다. 잃어버렸다면 폐기하고 새로 만드세요.
acct-your-tokens = 내 토큰
acct-token-name-missing = 토큰을 사용할 곳의 이름을 붙이세요. 예: "뉴스레터 동기화".
acct-token-name-too-long = 이름은 한 줄로 60자 이내로 쓰세요.
acct-token-too-many = 토큰이 { $count }개 있습니다. 먼저 더 이상 쓰지 않는 토큰을 폐기하세요.

## 내 데이터와 계정 삭제

acct-data-heading = 내 데이터
acct-data-lead = Chipin이 가진 나에 관한 모든 것을 내려받으세요: 계정, 정기 후원, 팁, 결제, 후원과 그 쓰임, 그리고 내 페이지의 등급, 게시물, 지출, 지급. JSON 파일과 CSV 보고서를 담은 zip 파일 하나입니다.
acct-data-download = 내 데이터 내려받기
acct-delete-link = 계정 삭제…
acct-delete-title = 계정 삭제
acct-delete-description = Chipin 계정을 삭제합니다.
acct-delete-intro-before = 계정 삭제는 되돌릴 수 없습니다. 먼저{" "}
acct-delete-intro-link = 내 데이터를 내려받아
acct-delete-intro-after = {" "}두는 것이 좋습니다.
acct-delete-what-happens = 삭제하면
acct-delete-pledges-end = 정기 후원이 끝나고 더 이상 결제되지 않습니다. 아직 결제되지 않은 팁과 정기 후원 달은 취소됩니다.
acct-delete-erased = 이메일, 이름, 비밀번호, 저장된 카드, 팁 메시지, 세션이 지워집니다. 모든 기기에서 로그아웃됩니다.
acct-delete-money-stays = 이미 보낸 후원은 익명의 이름으로 기록에 남아, 모든 페이지의 장부와 모든 후원자의 후원 경로가 계속 맞습니다. 내 이름은 어디에도 더 이상 나오지 않습니다.
acct-delete-pages-close = 내가 운영하는 페이지는 닫힙니다: 정기 후원이 끝나고, 둘러보기에서 빠지며 새 후원을 받지 않습니다. 소개글과 게시물은 지워집니다. 아직 돈이 남은 페이지는 먼저 지급을 마쳐야 합니다.
# "delete"라는 단어는 모든 언어에서 그대로 입력합니다.
acct-delete-type-before = 확인하려면{" "}
acct-delete-type-after = {" "}라고 입력하세요
acct-delete-submit = 계정 삭제
acct-delete-keep = 계정 유지
acct-deleted-title = 계정 삭제됨
acct-deleted-description = Chipin 계정이 삭제되었습니다.
acct-deleted-heading = 계정이 삭제되었습니다
acct-deleted-lead = 개인 정보가 지워지고 정기 후원이 끝났습니다. 그동안 보내 주신 후원에 감사드립니다.
acct-delete-confirm-word = 확인하려면 delete라고 입력하세요.
acct-delete-charge-in-flight = 진행 중이거나 은행 확인을 기다리는 결제가 있습니다. 결제 페이지에서 마치거나 취소한 뒤(또는 몇 분 기다린 뒤) 계정을 삭제하세요.
acct-delete-first-month-owed = “{ $page_name }”의 후원자 전용 게시물을 읽어 첫 달 후원금이 남아 있으며, 다음 결제일에 결제됩니다. 결제가 끝나면 계정을 삭제할 수 있습니다.
acct-delete-page-holds-money = 내 페이지 “{ $page_name }”에 아직 은행에 도착하지 않은 돈이 있습니다. 지급이 도착하면 계정을 삭제할 수 있습니다.
acct-delete-page-being-charged = 내 페이지 “{ $page_name }”에 대한 후원이 지금 결제되고 있습니다(거절된 카드는 며칠 동안 다시 시도될 수 있습니다). 결제가 끝난 뒤 다시 시도하세요.

## 오류

acct-wrong-credentials = 이메일 또는 비밀번호가 올바르지 않습니다.
acct-email-not-verified-sent = 먼저 이메일 주소를 확인해 주세요. 새 링크를 보내 드렸습니다.
acct-email-not-verified = 먼저 이메일로 보내 드린 링크로 이메일 주소를 확인해 주세요. 새 링크는 마지막 링크를 보내고 몇 분 뒤에 받을 수 있습니다.
acct-invalid-link = 잘못되었거나 만료된 링크입니다. 새 링크를 요청해 주세요.
acct-throttled = 실패한 시도가 너무 많습니다. { $seconds }초 뒤에 다시 시도하세요.
acct-too-many-emails = 이 주소나 내 네트워크에서 요청한 이메일이 너무 많습니다. 아무것도 보내지 않았습니다. { $minutes }분 뒤에 다시 시도하세요.
acct-email-missing = 이메일 주소를 입력하세요.
acct-email-too-long = 이메일 주소가 너무 깁니다.
acct-email-has-spaces = 이메일 주소에는 공백이나 제어 문자를 쓸 수 없습니다.
acct-email-malformed = name@example.com 같은 이메일 주소를 입력하세요.
acct-name-missing = 다른 사람에게 보일 이름을 입력하세요.
acct-name-too-long = 이름은 60자 이내로 쓰세요.
acct-name-has-controls = 이름에는 제어 문자를 쓸 수 없습니다.
acct-password-missing = 비밀번호를 입력하세요.
acct-password-too-short = 비밀번호는 8자 이상으로 정하세요.
acct-password-too-long = 비밀번호는 128자 이하로 정하세요.
acct-password-has-controls = 비밀번호에는 제어 문자를 쓸 수 없습니다.
acct-password-too-guessable = 너무 흔하거나 추측하기 쉬운 비밀번호입니다. 서로 관계없는 단어 몇 개를 이어 보세요.
acct-password-unchanged = 현재 비밀번호와 다른 비밀번호를 정하세요.
acct-password-incorrect = 현재 비밀번호가 올바르지 않습니다.
acct-two-factor-already-on = 2단계 인증이 이미 켜져 있습니다.
acct-two-factor-unreadable = 지금은 2단계 인증을 확인할 수 없습니다. 복구 코드를 쓰거나 사이트 운영자에게 문의하세요.
acct-qr-code-failed = QR 코드를 그리지 못했습니다. 대신 키를 입력하세요.
acct-code-missing = 인증 앱의 코드나 복구 코드를 입력하세요.
acct-code-wrong = 코드가 맞지 않거나 이미 사용되었습니다. 앱의 가장 최근 코드를 입력하세요.
acct-set-up-expired = 처음부터 다시 하세요. 이 설정은 만료되었거나 이미 끝났습니다.
acct-sign-in-expired = 로그인 시간이 지났습니다. 비밀번호로 다시 로그인하세요.
